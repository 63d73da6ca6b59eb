// The caller's uploads (GET /uploads), newest first, with thumbnails for
// images; Delete removes one (DELETE /uploads/{id}). The thumbnail and
// download URLs are valid for minutes: the list is fetched anew on show and
// on pull-down.
import { uploader } from '../../uploader.js';

Page({
  data: { records: [], message: '' },

  onShow() {
    this.load();
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    try {
      const page = await uploader.list({ limit: 50 });
      this.setData({ records: page.records, message: page.records.length ? '' : 'No uploads yet.' });
    } catch (err) {
      this.setData({ message: `${err.code}: ${err.message}` });
    }
  },

  async remove(e) {
    const id = e.currentTarget.dataset.id;
    try {
      await uploader.remove(id);
    } catch (err) {
      wx.showToast({ title: err.code, icon: 'error' });
    }
    this.load();
  },
});
