// Runs dynalite (an in-memory DynamoDB) on 127.0.0.1, on a free port chosen by the OS, for the fleet tests and the
// simulation. Prints "port <n>" once listening. Exits when its stdin closes, so it never outlives the process that started it.
'use strict';
const dynalite = require('dynalite');

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
