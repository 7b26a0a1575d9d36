import en from './messages/en.json' with { type: 'json' };

/** Every message id the interface uses: the keys of the English (source) catalogue. */
export type MessageId = keyof typeof en;
export type Messages = Record<MessageId, string>;

/** The English catalogue: the source every other catalogue translates, and the fallback for any id it lacks. */
export const SOURCE_MESSAGES: Messages = en;

/**
 * Marks a string as a message id where the message is formatted later (tables of labels outside components): the
 * id is checked against the catalogue by the compiler and found by the catalogue test.
 */
export const msg = <Id extends MessageId>(id: Id): Id => id;
