export { serveStatic, type ServeOptions, type StaticServer } from './serve.js';
export { chromiumAvailable, CHROMIUM, launchChromium, openPage, type WatchedPage } from './chromium.js';
export { buildApp, nnSourceAliases, type BuiltApp } from './vite-build.js';
