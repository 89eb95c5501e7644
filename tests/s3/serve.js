// Runs s3rver (an S3 over a temporary folder) on 127.0.0.1, on a free port chosen by the OS, for the S3 load tests and
// bench/s3. Prints "port <n>" once listening. Exits when its stdin closes, removing its folder, so it never outlives
// the process that started it.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const S3rver = require('s3rver');

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'forcelink-s3-'));
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
const stop = () => {
  fs.rmSync(directory, { recursive: true, force: true });
  process.exit(0);
};
server.run().then(({ port }) => process.stdout.write(`port ${port}\n`), (error) => {
  process.stderr.write(`${error}\n`);
  stop();
});
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
