// home_slot.h: places maps at addresses that share one home slot of
// MapGuard's strict table, so that writes to them go away from home
// (runtime/strict_table.cpp). It asks the runtime's own hash
// (runtime/mapguard_internal.h; build with -I %mapguard_runtime_src), so
// that the placement follows the table if its geometry changes.
#ifndef MAPGUARD_E2E_HOME_SLOT_H
#define MAPGUARD_E2E_HOME_SLOT_H

#include "mapguard_internal.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace home_slot {

inline size_t home_of(const void *p) {
  return __mapguard::StrictHomeNumber(uintptr_t(p));
}

alignas(64) inline char arena[1 << 20];

// Constructs N objects of type T in the arena, all with one home slot.
// Aborts (exit 2) if the arena has too few such addresses.
template <class T, size_t N> void place(T *(&out)[N]) {
  size_t found = 0;
  const void *first = nullptr;
  for (size_t off = 0; found < N && off + sizeof(T) <= sizeof(arena);
       off += alignof(T) < 8 ? 8 : alignof(T)) {
    void *at = arena + off;
    if (first && home_of(at) != home_of(first))
      continue;
    first = first ? first : at;
    out[found++] = new (at) T();
    off += sizeof(T) - (alignof(T) < 8 ? 8 : alignof(T)); // no overlap
  }
  if (found < N)
    std::exit(2);
}

} // namespace home_slot

#endif // MAPGUARD_E2E_HOME_SLOT_H
