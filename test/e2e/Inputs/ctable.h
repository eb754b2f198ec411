/* A plain C hash table of int keys: a library a project links but does not
 * rebuild with MapGuard. ctable.maps declares its functions to MapGuard. */
#ifndef MAPGUARD_E2E_CTABLE_H
#define MAPGUARD_E2E_CTABLE_H

typedef struct ctable ctable;
typedef struct {
  const ctable *table;
  int next;
} ctable_iter;

ctable *ctable_new(unsigned (*hash)(int key));
void ctable_put(ctable *t, int key, int value);
int ctable_erase(ctable *t, int key);
int ctable_get(const ctable *t, int key, int *value);
int ctable_size(const ctable *t);
void ctable_iter_init(ctable_iter *it, const ctable *t);
int ctable_iter_next(ctable_iter *it, int *key, int *value);

#endif
