// Files of the project's run caches (node_modules/.cache): the transpile hook's and the app bundle's.
const fs = require("node:fs");
const path = require("node:path");

/** Write then rename: a concurrent run sees the whole file or none. An unwritable cache only costs speed. */
function writeCacheFile(file, data) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, data);
    fs.renameSync(partial, file);
  } catch {
    // rebuilt next time
  }
}

module.exports = { writeCacheFile };
