import { DOC_SCHEMAS, type DocSchema, type EntrySchema, mapEntry, parseDocName, type TypeSchema } from '@accord/shared';
import * as Y from 'yjs';

/**
 * Checks what a client update writes against its document kind's schema (`DOC_SCHEMAS` in shared), before the
 * update is relayed or integrated. It works on the structs `Y.decodeUpdate` gave (the same decode as
 * `isSelfContained`), never by applying the update: the engine relays a frame before Yjs integrates it.
 *
 * An Item encodes its parent only when it has no origins (a root name, or the ID of the item that holds the nested
 * type); otherwise Yjs takes parent and key from its left origin, else its right origin. So each Item's place is
 * found by following origins, within the update or into the document, to an item whose place is known. An item
 * whose neighbour or parent was garbage-collected is itself discarded by Yjs, stores nothing, and passes.
 *
 * Structs the document already holds are ignored, as Yjs ignores them. Must run after `isSelfContained` (every
 * origin and parent exists). Returns null when the update may be applied, else what was refused (for the log).
 */
export function checkContent(
  doc: Y.Doc,
  structs: readonly (Y.Item | Y.GC | Y.Skip)[],
  schema: DocSchema,
): string | null {
  return new ContentCheck(doc, structs, schema).run();
}

/** The model's schema of a document, by its name (`DOC_SCHEMAS`); null for a name that is not a model document. */
export function modelSchema(docName: string): DocSchema | null {
  const ref = parseDocName(docName);
  return ref === null ? null : DOC_SCHEMAS[ref.kind];
}

/** Deeper than the model ever nests (codebook > themes > theme > quotes); bounds the walk on crafted updates. */
const MAX_DEPTH = 8;

/** Where an item goes: into a type of a known schema under a key (maps) or not (sequences), or nowhere. */
type Place = { schema: TypeSchema; sub: string | null } | 'discarded';

class Refused extends Error {}

class ContentCheck {
  private readonly byClient = new Map<number, (Y.Item | Y.GC | Y.Skip)[]>();
  private readonly places = new Map<Y.Item, Place>();
  private readonly typeSchemas = new Map<Y.AbstractType<unknown>, TypeSchema>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly structs: readonly (Y.Item | Y.GC | Y.Skip)[],
    private readonly schema: DocSchema,
  ) {
    for (const struct of structs) {
      const list = this.byClient.get(struct.id.client);
      if (list) list.push(struct);
      else this.byClient.set(struct.id.client, [struct]);
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  }

  run(): string | null {
    const store = this.doc.store;
    try {
      for (const struct of this.structs) {
        if (!(struct instanceof Y.Item)) continue;
        if (struct.id.clock + struct.length <= Y.getState(store, struct.id.client)) continue;
        const place = this.placeOf(struct, 0);
        if (place !== 'discarded') this.checkItem(struct, place);
      }
      return null;
    } catch (error) {
      if (error instanceof Refused) return error.message;
      throw error;
    }
  }

  /** An item's content against the type it goes into. */
  private checkItem(item: Y.Item, place: { schema: TypeSchema; sub: string | null }): void {
    const content = item.content;
    if (content instanceof Y.ContentDeleted) return;
    const where = () => `${describe(item)} (${content.constructor.name})`;
    if (place.schema.type === 'text') {
      if (place.sub !== null || !(content instanceof Y.ContentString)) throw new Refused(`not plain text: ${where()}`);
      return;
    }
    const entry = entryOf(place.schema, place.sub);
    if (entry === null) throw new Refused(`no such entry: ${where()} key ${JSON.stringify(place.sub)}`);
    if ('nested' in entry) {
      if (!(content instanceof Y.ContentType) || !sameKind(content.type, entry.nested)) {
        throw new Refused(`expected a nested ${entry.nested.type}: ${where()}`);
      }
      return;
    }
    let values: unknown[];
    if (content instanceof Y.ContentAny) values = content.arr;
    else if (content instanceof Y.ContentBinary) values = [content.content];
    else throw new Refused(`expected a plain value: ${where()}`);
    if (place.sub !== null && values.length !== 1)
      throw new Refused(`map entry of ${values.length} values: ${where()}`);
    for (const value of values) if (!entry.value(value)) throw new Refused(`value refused: ${where()}`);
  }

  /** Where an item of the update goes: following its origins through the update to a decided place. */
  private placeOf(item: Y.Item, depth: number): Place {
    if (depth > MAX_DEPTH) throw new Refused('nested too deep');
    const chain = new Set<Y.Item>();
    let current = item;
    let place: Place;
    for (;;) {
      const known = this.places.get(current);
      if (known !== undefined) {
        place = known;
        break;
      }
      if (current.origin === null && current.rightOrigin === null) {
        place = this.encodedPlace(current, depth);
        break;
      }
      const left = current.origin && this.find(current.origin);
      const right = current.rightOrigin && this.find(current.rightOrigin);
      // Yjs garbage-collects an item next to a collected struct; it takes the place of its left, else its right.
      if (left instanceof Y.GC || right instanceof Y.GC) {
        place = 'discarded';
        break;
      }
      const neighbour = left ?? right;
      if (!(neighbour instanceof Y.Item)) throw new Refused(`unresolvable origin: ${describe(current)}`);
      if (!this.inUpdate(neighbour)) {
        place = this.docPlace(neighbour);
        break;
      }
      chain.add(current);
      if (chain.has(neighbour)) throw new Refused(`origin cycle: ${describe(current)}`);
      current = neighbour;
    }
    chain.add(current);
    for (const link of chain) this.places.set(link, place);
    return place;
  }

  /** An item without origins: its parent is a root name, or the ID of the item holding a nested type. */
  private encodedPlace(item: Y.Item, depth: number): Place {
    const parent = item.parent as unknown;
    if (typeof parent === 'string') {
      const schema = Object.hasOwn(this.schema, parent) ? this.schema[parent]! : null;
      if (schema === null) throw new Refused(`no such root: ${JSON.stringify(parent)}`);
      return { schema, sub: item.parentSub };
    }
    if (!(parent instanceof Y.ID)) throw new Refused(`no parent: ${describe(item)}`);
    const holder = this.find(parent);
    if (!(holder instanceof Y.Item) || !(holder.content instanceof Y.ContentType)) return 'discarded';
    let schema: TypeSchema | 'discarded';
    if (this.inUpdate(holder)) {
      const place = this.placeOf(holder, depth + 1);
      schema = place === 'discarded' ? 'discarded' : nestedSchema(place);
    } else {
      schema = this.typeSchema(holder.content.type, 0);
    }
    return schema === 'discarded' ? 'discarded' : { schema, sub: item.parentSub };
  }

  /** The place of an item the document holds (its parent type is integrated, its key known). */
  private docPlace(item: Y.Item): Place {
    const parent = item.parent;
    if (!(parent instanceof Y.AbstractType)) return 'discarded';
    return { schema: this.typeSchema(parent, 0), sub: item.parentSub };
  }

  /** The schema of a type in the document: a root by name, a nested type by its holder's place. */
  private typeSchema(type: Y.AbstractType<unknown>, depth: number): TypeSchema {
    const known = this.typeSchemas.get(type);
    if (known) return known;
    if (depth > MAX_DEPTH) throw new Refused('nested too deep');
    let schema: TypeSchema;
    const holder = type._item;
    if (holder === null) {
      const name = Y.findRootTypeKey(type);
      if (!Object.hasOwn(this.schema, name)) throw new Refused(`no such root: ${JSON.stringify(name)}`);
      schema = this.schema[name]!;
    } else {
      const parent = holder.parent;
      if (!(parent instanceof Y.AbstractType)) throw new Refused('nested type without a parent');
      schema = nestedSchema({ schema: this.typeSchema(parent, depth + 1), sub: holder.parentSub });
    }
    this.typeSchemas.set(type, schema);
    return schema;
  }

  private inUpdate(struct: Y.Item | Y.GC): boolean {
    return struct.id.clock >= Y.getState(this.doc.store, struct.id.client);
  }

  /** The struct holding `id`: the document's if it has that clock (as Yjs decides), else the update's. */
  private find(id: Y.ID): Y.Item | Y.GC | null {
    const store = this.doc.store;
    if (id.clock < Y.getState(store, id.client)) {
      const struct = Y.getItem(store, id) as Y.Item | Y.GC;
      return struct;
    }
    const list = this.byClient.get(id.client);
    if (!list) return null;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const struct = list[middle]!;
      if (id.clock < struct.id.clock) high = middle - 1;
      else if (id.clock >= struct.id.clock + struct.length) low = middle + 1;
      else return struct instanceof Y.Skip ? null : struct;
    }
    return null;
  }
}

function entryOf(schema: TypeSchema, sub: string | null): EntrySchema | null {
  if (schema.type === 'map') return sub === null ? null : mapEntry(schema, sub);
  if (schema.type === 'array') return sub === null ? schema.item : null;
  return null;
}

/** The schema of the nested type an item at `place` holds; refused when the model has no nested type there. */
function nestedSchema(place: { schema: TypeSchema; sub: string | null }): TypeSchema {
  const entry = entryOf(place.schema, place.sub);
  if (entry === null || !('nested' in entry))
    throw new Refused(`no nested type here: key ${JSON.stringify(place.sub)}`);
  return entry.nested;
}

function sameKind(type: Y.AbstractType<unknown>, schema: TypeSchema): boolean {
  switch (schema.type) {
    case 'map':
      return type.constructor === Y.Map;
    case 'array':
      return type.constructor === Y.Array;
    case 'text':
      return type.constructor === Y.Text;
  }
}

function describe(item: Y.Item): string {
  return `${item.id.client}:${item.id.clock}`;
}
