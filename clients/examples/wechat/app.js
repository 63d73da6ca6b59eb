// The ossgate sample mini-program: choose files and upload them straight to
// OSS with progress (pages/upload), then list them with thumbnails and delete
// them (pages/uploads). The sign function's URL and the caller's token are in
// config.js; the uploader is made once, in uploader.js.
App({});
