// Parse a feed with podcast-partytime (the Podcast Index's own parser) and print what it
// read as JSON: `node tests/partytime.js feed.xml`. Used by tests/test_podcast20.py.
"use strict";
const fs = require("fs");
const path = require("path");
const { parseFeed } = require(path.join(__dirname, "..", "node_modules", "podcast-partytime"));

const feed = parseFeed(fs.readFileSync(process.argv[2], "utf8"), { allowMissingGuid: false });
if (!feed) {
  process.stderr.write("partytime could not parse the feed\n");
  process.exit(1);
}
process.stdout.write(JSON.stringify(feed));
