import { createContext } from 'react';
import { DocPool } from './pool.js';

/** The tab's documents; the server speaks y-websocket at `/ws/<docName>` on the same origin. */
export const PoolContext = createContext<DocPool>(
  new DocPool(typeof location === 'undefined' ? 'ws://localhost/ws' : `${location.origin.replace(/^http/, 'ws')}/ws`),
);
