/* See ctable.h. Open addressing, no deletion markers needed for the tests:
 * erase clears the slot and re-inserts the rest of its run. */
#include "ctable.h"
#include <stdlib.h>

enum { kSlots = 1024 };
struct ctable {
  unsigned (*hash)(int);
  int used[kSlots], keys[kSlots], values[kSlots];
  int size;
};

ctable *ctable_new(unsigned (*hash)(int)) {
  ctable *t = calloc(1, sizeof(ctable));
  t->hash = hash;
  return t;
}

static int find(const ctable *t, int key) {
  unsigned i = t->hash(key) % kSlots;
  while (t->used[i] && t->keys[i] != key)
    i = (i + 1) % kSlots;
  return (int)i;
}

void ctable_put(ctable *t, int key, int value) {
  int i = find(t, key);
  if (!t->used[i] && t->size < kSlots - 1) {
    t->used[i] = 1;
    t->keys[i] = key;
    ++t->size;
  }
  t->values[i] = value;
}

int ctable_erase(ctable *t, int key) {
  int i = find(t, key);
  if (!t->used[i])
    return 0;
  t->used[i] = 0;
  --t->size;
  for (int j = (i + 1) % kSlots; t->used[j]; j = (j + 1) % kSlots) {
    t->used[j] = 0;
    --t->size;
    ctable_put(t, t->keys[j], t->values[j]);
  }
  return 1;
}

int ctable_get(const ctable *t, int key, int *value) {
  int i = find(t, key);
  if (t->used[i])
    *value = t->values[i];
  return t->used[i];
}

int ctable_size(const ctable *t) { return t->size; }

void ctable_iter_init(ctable_iter *it, const ctable *t) {
  it->table = t;
  it->next = 0;
}

int ctable_iter_next(ctable_iter *it, int *key, int *value) {
  for (; it->next < kSlots; ++it->next)
    if (it->table->used[it->next]) {
      *key = it->table->keys[it->next];
      *value = it->table->values[it->next++];
      return 1;
    }
  return 0;
}
