// Writes to one absl::flat_hash_map from four threads serialised by one
// std::mutex are never reported (the twin of racy_abseil_flat_hash_map.cpp).
// REQUIRES: abseil
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t -labsl_raw_hash_set -labsl_hash -labsl_city -labsl_low_level_hash \
// DEFINE:   && for i in 1 2 3 4 5; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include <absl/container/flat_hash_map.h>

using Counts = absl::flat_hash_map<int, int>;
#include "count_under_mutex.h"

// CHECK: 104 keys, 8000 counted
