// A lookup or the start of an iteration on one thread while another thread
// is inside a write is reported for the Abseil and Boost presets too, naming
// the type as written and both sites: absl::flat_hash_map find vs insert,
// absl::btree_map iteration vs insert, boost::unordered_map count vs
// operator[].
//
// DEFINE: %{flags} =
// DEFINE: %{shape} =
// DEFINE: %{check} = %mgxx %{flags} -DSHAPE_%{shape} -g -pthread -I %S/Inputs %s -o %t.%{shape} -labsl_raw_hash_set -labsl_hash -labsl_city -labsl_low_level_hash \
// DEFINE:   && { %t.%{shape} 2> %t.%{shape}.err; test $? -eq 134; } && FileCheck %s --check-prefix=%{shape} --input-file %t.%{shape}.err
// REDEFINE: %{flags} = -O0
// REDEFINE: %{shape} = FLAT
// RUN: %if abseil %{ %{check} %}
// REDEFINE: %{shape} = BTREE
// RUN: %if abseil %{ %{check} %}
// REDEFINE: %{shape} = BOOST
// RUN: %if boost %{ %{check} %}
// REDEFINE: %{flags} = -O2
// REDEFINE: %{shape} = FLAT
// RUN: %if abseil %{ %{check} %}
// REDEFINE: %{shape} = BTREE
// RUN: %if abseil %{ %{check} %}
// REDEFINE: %{shape} = BOOST
// RUN: %if boost %{ %{check} %}

#include "overlap.h"
#include <cstdio>

#if defined(SHAPE_FLAT)
#include <absl/container/flat_hash_map.h>
absl::flat_hash_map<int, int, GateHash> table;
#elif defined(SHAPE_BTREE)
#include <absl/container/btree_map.h>
absl::btree_map<int, int, GateLess> table;
#else
#include <boost/unordered_map.hpp>
boost::unordered_map<int, int, GateHash> table;
#endif
int seen = 0;

// FLAT: fatal error: concurrent map read and map write
// FLAT-NEXT: map 0x{{[0-9a-f]+}} (absl::flat_hash_map<int, int, GateHash>)
// FLAT-NEXT: read by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_presets_read_during_write.cpp:[[#@LINE+15]]:{{[0-9]+}} [find]
// FLAT: while thread {{[0-9]+}} "writer-a" was writing it in side_a() at {{.*}}racy_presets_read_during_write.cpp:[[#@LINE+27]]:{{[0-9]+}} [insert]

// BTREE: fatal error: concurrent map iteration and map write
// BTREE-NEXT: map 0x{{[0-9a-f]+}} (absl::btree_map<int, int, GateLess>)
// BTREE-NEXT: iteration by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_presets_read_during_write.cpp:[[#@LINE+12]]:{{[0-9]+}} [begin]
// BTREE: while thread {{[0-9]+}} "writer-a" was writing it in side_a() at {{.*}}racy_presets_read_during_write.cpp:[[#@LINE+22]]:{{[0-9]+}} [insert]

// BOOST: fatal error: concurrent map read and map write
// BOOST-NEXT: map 0x{{[0-9a-f]+}} (boost::unordered_map<int, int, GateHash>)
// BOOST-NEXT: read by thread {{[0-9]+}} "writer-b" in side_b() at {{.*}}racy_presets_read_during_write.cpp:[[#@LINE+10]]:{{[0-9]+}} [count]
// BOOST: while thread {{[0-9]+}} "writer-a" was writing it in side_a() at {{.*}}racy_presets_read_during_write.cpp:[[#@LINE+15]]:{{[0-9]+}} [operator[]]

void side_b() {
#if defined(SHAPE_FLAT)
  seen = table.find(2) != table.end();
#elif defined(SHAPE_BTREE)
  for (const auto &entry : table)
    seen += entry.second;
#else
  seen = table.count(2);
#endif
}

void side_a() {
#if defined(SHAPE_BOOST)
  table[1] = 1;
#else
  table.insert({1, 1});
#endif
}

int main() {
  table[5] = 5;
  overlap::race(side_a, side_b);
  std::printf("not caught: %zu entries, seen %d\n", table.size(), seen);
}
