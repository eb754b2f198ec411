/*
 * The contract between the MapGuard pass and its runtime.
 *
 * The pass emits one constant SiteDescriptor per instrumented call and wraps
 * the call as
 *
 *     token = __mapguard_write_begin(map, &site);
 *     <the container call>
 *     __mapguard_write_end(map, &site, token);   // on every way out
 *
 * (the *_fast pair in -mapguard-mode=fast). The token lets the end hook skip
 * the table lookup: it is 0 when begin recorded nothing to undo (a nested
 * write on the same thread, an untracked map), otherwise the runtime's own
 * handle for the slot it took. The pass never looks inside it.
 *
 * The pass builds the descriptor's IR type field by field from this layout
 * ({ ptr, ptr, ptr, ptr, i32, i32 }); change both together.
 */
#ifndef MAPGUARD_ABI_H
#define MAPGUARD_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct __mapguard_site {
  const char *file;      /* source file, "" when unknown */
  const char *function;  /* enclosing function, demangled */
  const char *container; /* e.g. "std::unordered_map<std::string, int>" */
  const char *operation; /* e.g. "operator[]", "insert", "erase" */
  uint32_t line;         /* 0 when unknown (no debug info) */
  uint32_t column;       /* 0 when unknown */
} __mapguard_site;

/* Strict (default) mode: every overlapping pair of writes is reported. */
uintptr_t __mapguard_write_begin(void *map, const __mapguard_site *site);
void __mapguard_write_end(void *map, const __mapguard_site *site,
                          uintptr_t token);

/* Fast mode: plain loads and stores, best effort, no false positives. */
uintptr_t __mapguard_write_begin_fast(void *map, const __mapguard_site *site);
void __mapguard_write_end_fast(void *map, const __mapguard_site *site,
                               uintptr_t token);

/* Reads (find, count, contains, at, equal_range, lower_bound, upper_bound)
 * and the start of an iteration (begin, cbegin): one call before the
 * operation, that reports if another thread is writing the map. */
void __mapguard_read(void *map, const __mapguard_site *site);
void __mapguard_iterate(void *map, const __mapguard_site *site);
void __mapguard_read_fast(void *map, const __mapguard_site *site);
void __mapguard_iterate_fast(void *map, const __mapguard_site *site);

/* The end of a loop's lookups of one map checked as one read window
 * (pass/LoopWindows.h): snapshot is the key the map's slot held at the
 * loop's first lookup. Reports a write by another thread in progress now,
 * in progress then, or begun and ended in between. */
void __mapguard_read_window(void *map, const __mapguard_site *site,
                            uint64_t snapshot);
void __mapguard_read_window_fast(void *map, const __mapguard_site *site,
                                 uint64_t snapshot);
/* The same where a loop over the map that begin() started ends: snapshot is
 * the key the slot held just before begin(). */
void __mapguard_iterate_window(void *map, const __mapguard_site *site,
                               uint64_t snapshot);
void __mapguard_iterate_window_fast(void *map, const __mapguard_site *site,
                                    uint64_t snapshot);

/* Inside a loop guarded as one window (pass/LoopWindows.h), each write calls
 * this while __mapguard_fast_inline is 0 (stress=1): a chance to sleep with
 * the window open, as a guarded write does under stress. */
void __mapguard_stress_tick(void);

#ifdef __cplusplus
}
#endif

#endif /* MAPGUARD_ABI_H */
