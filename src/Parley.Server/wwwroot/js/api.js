// The one connection every module sends through, and the request shapes that name a conversation.
import { ProtocolError } from './connection.js';

let connection = null;

export function useConnection(c) {
  connection = c;
}

export function request(type, fields) {
  if (!connection) return Promise.reject(new ProtocolError('offline', 'not connected'));
  return connection.request(type, fields);
}

/** Fields that name a conversation in history and read requests. */
export const target = (conv) => (conv.kind === 'room' ? { room: conv.name } : { with: conv.name });

/** Fields that name a conversation in a send request. */
export const sendTarget = (conv) => (conv.kind === 'room' ? { room: conv.name } : { to: conv.name });
