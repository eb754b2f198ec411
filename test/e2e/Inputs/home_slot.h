// home_slot.h: places maps at addresses that share one home slot of
// MapGuard's strict table, so that writes to them go away from home
// (runtime/flag_table.cpp, "Strict mode"). Mirrors StrictBucketIndex and
// StrictHomeSlot of runtime/mapguard_internal.h.
#ifndef MAPGUARD_E2E_HOME_SLOT_H
#define MAPGUARD_E2E_HOME_SLOT_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace home_slot {

inline uint64_t home_of(const void *p) {
  uint64_t h = (uint64_t(uintptr_t(p)) >> 3) * 0x9E3779B97F4A7C15ull;
  uint64_t bucket = h >> 52;
  uint64_t home = (((h >> 36) & 0xffff) * 3) >> 16;
  return bucket * 3 + home;
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
