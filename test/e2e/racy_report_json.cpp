// MAPGUARD_OPTIONS=report_format=json:log_path=PREFIX:halt_on_error=0 writes
// each report as one JSON line to PREFIX.<pid> and leaves the program's own
// stdout (here a JSON document, as a test runner writes) alone. Every line
// parses; scripts/mapguard-sarif turns them into SARIF 2.1.0 that validates
// against the schema (Inputs/sarif-schema-2.1.0.json) and names both sites
// of each report.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t && rm -f %t.log.* \
// DEFINE:   && { env MAPGUARD_OPTIONS=report_format=json:log_path=%t.log:halt_on_error=0 %t > %t.out 2> %t.err; test $? -eq 66; } \
// DEFINE:   && FileCheck %s --check-prefix=STDERR --allow-empty --input-file %t.err \
// DEFINE:   && %python -c "import json,sys; d = json.load(open(sys.argv[1])); assert d == {'first': 2, 'ages': 2}, d" %t.out \
// DEFINE:   && ls %t.log.* | count 1 \
// DEFINE:   && %python -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" %t.log.* \
// DEFINE:   && FileCheck %s --input-file %t.log.* --check-prefixes=CHECK,%mode_prefix \
// DEFINE:   && %mapguard_sarif -o %t.sarif %t.log.* \
// DEFINE:   && %python -c "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))" %t.sarif %S/Inputs/sarif-schema-2.1.0.json \
// DEFINE:   && FileCheck %s --check-prefix=SARIF --input-file %t.sarif
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}

#include "overlap.h"
#include <cstdio>
#include <map>
#include <unordered_map>

std::unordered_map<int, int, GateHash> first;
std::map<int, int, GateLess> ages = {{1, 10}, {5, 50}};
int found = 0;

// STDERR-NOT: MapGuard

// CHECK: {"kind":"concurrent-map-writes","message":"concurrent map writes","map":"0x{{[0-9a-f]+}}","container":"std::unordered_map<int, int, GateHash>",
// STRICT-SAME: "mode":"strict",
// FAST-SAME: "mode":"fast",
// CHECK-SAME: "pid":{{[0-9]+}},"time":"{{[0-9]+-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]+}}Z","accesses":[
// SARIF: "ruleId": "concurrent-map-writes"

void write_b() {
  // CHECK-SAME: {"access":"write","state":"in progress","thread":{"id":{{[0-9]+}},"name":"writer-b"},"function":"write_b()","file":"{{/.*}}racy_report_json.cpp","line":[[#@LINE+3]],"column":{{[0-9]+}},"operation":"operator[]","stack":[{"function":"write_b()",
  // SARIF: "locations": [
  // SARIF: "uri": "file://{{/.*}}racy_report_json.cpp"
  first[2] = 2; // SARIF: "startLine": [[#@LINE]]
}

void write_a() {
  // CHECK-SAME: {"access":"write","state":"in progress","thread":{"id":{{[0-9]+}},"name":"writer-a"},"function":"write_a()","file":"{{/.*}}racy_report_json.cpp","line":[[#@LINE+3]],"column":{{[0-9]+}},"operation":"operator[]","stack":[{"function":"write_a()",
  // CHECK-SAME: ]}]}
  // SARIF: "relatedLocations": [
  first[1] = 1; // SARIF: "startLine": [[#@LINE]]
}

// CHECK-NEXT: {"kind":"concurrent-map-read-and-map-write","message":"concurrent map read and map write","map":"0x{{[0-9a-f]+}}","container":"std::map<int, int, GateLess>",
// SARIF: "ruleId": "concurrent-map-read-and-map-write"

void read_b() {
  // CHECK-SAME: {"access":"read","state":"in progress","thread":{"id":{{[0-9]+}},"name":"writer-b"},"function":"read_b()","file":"{{/.*}}racy_report_json.cpp","line":[[#@LINE+2]],
  // SARIF: "locations": [
  found = ages.find(5) != ages.end(); // SARIF: "startLine": [[#@LINE]]
}

void write_c() {
  // CHECK-SAME: {"access":"write","state":"in progress","thread":{"id":{{[0-9]+}},"name":"writer-a"},"function":"write_c()","file":"{{/.*}}racy_report_json.cpp","line":[[#@LINE+2]],
  // SARIF: "relatedLocations": [
  ages[3] = 30; // SARIF: "startLine": [[#@LINE]]
}

// CHECK-NEXT: {"kind":"summary","reports":2,"pid":{{[0-9]+}},"time":"{{.*}}"}
// CHECK-EMPTY:
// SARIF-NOT: "ruleId"

int main() {
  for (int round = 0; round < 2; ++round)
    overlap::race(write_a, write_b);
  overlap::race(write_c, read_b);
  std::printf("{\"first\": %zu, \"ages\": %d}\n", first.size(), found + 1);
}
