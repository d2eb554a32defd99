// A WebSocket broadcast server on the `ws` package, speaking just enough of Parley's native JSON
// (docs/protocol.md) for `parley bench --proto ws`: every request is answered ok, and a send goes
// to every other member of its room as a message event. Nothing is stored or checked.
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] ?? 18081);
const rooms = new Map(); // room name -> Set of sockets
const server = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws', perMessageDeflate: false });

server.on('connection', (socket) => {
  const joined = new Set();
  socket.on('message', (data) => {
    const request = JSON.parse(data);
    if (request.type === 'join' || request.type === 'create') {
      if (!rooms.has(request.room)) rooms.set(request.room, new Set());
      rooms.get(request.room).add(socket);
      joined.add(request.room);
    } else if (request.type === 'send') {
      // Serialized once, the same string to every member, as Parley does.
      const event = JSON.stringify({ type: 'message', room: request.room, text: request.text });
      for (const member of rooms.get(request.room) ?? []) if (member !== socket) member.send(event);
    }
    socket.send(JSON.stringify({ re: request.id ?? null, type: 'ok' })); // "re" first, as Parley's replies
  });
  socket.on('close', () => { for (const room of joined) rooms.get(room)?.delete(socket); });
});
server.on('listening', () => console.log(`ws broadcast server on 127.0.0.1:${port}/ws`));
