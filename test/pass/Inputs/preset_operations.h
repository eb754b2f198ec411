// The operations presets_abseil.cpp and presets_boost.cpp make on each
// container family: every write of a map, of a set, and an iteration.
#ifndef MAPGUARD_PASS_PRESET_OPERATIONS_H
#define MAPGUARD_PASS_PRESET_OPERATIONS_H

#include <utility>

template <class M> void mapWrites(M &m, M &other) {
  m[1] = 2;
  m.insert({3, 4});
  m.insert_or_assign(5, 6);
  m.emplace(7, 8);
  m.try_emplace(11, 12);
  m.erase(1);
  m.merge(other);
  m.swap(other);
  m = other;
  m = std::move(other);
  m.clear();
}

template <class S> void setWrites(S &s) {
  s.insert(1);
  s.emplace(2);
  s.erase(1);
  s.clear();
}

template <class C> long iterate(const C &c) {
  long n = 0;
  for (const auto &e : c)
    n += sizeof(e);
  return n;
}

#endif // MAPGUARD_PASS_PRESET_OPERATIONS_H
