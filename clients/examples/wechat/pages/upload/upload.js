// Choose images or videos and upload them, each with its progress bar and,
// when it fails, the error's code and message.
import { uploader } from '../../uploader.js';

Page({
  data: { items: [], busy: false },

  choose() {
    wx.chooseMedia({
      count: 9,
      mediaType: ['image', 'video'],
      success: ({ tempFiles }) => this.upload(tempFiles),
    });
  },

  async upload(files) {
    const items = files.map((f) => ({ path: f.tempFilePath, percent: 0, state: 'waiting', error: '' }));
    this.setData({ items, busy: true });
    const results = await uploader.upload(files, {
      onProgress: ({ index, percent }) => this.setData({ [`items[${index}].percent`]: percent }),
      onState: ({ index, state }) => this.setData({ [`items[${index}].state`]: state }),
    });
    results.forEach((r, i) => {
      if (!r.ok) this.setData({ [`items[${i}].error`]: `${r.error.code}: ${r.error.message}` });
    });
    this.setData({ busy: false });
  },
});
