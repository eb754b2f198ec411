// MAPGUARD_OPTIONS=profile_path=PREFIX writes PREFIX.<pid> at exit: per write
// site, the handoffs of maps between threads seen there and the threads.
// Three threads take turns writing one map under a mutex (at two sites) and
// each writes a map of its own: the profile names the shared map's sites,
// their threads and the map, never the per-thread maps' site, and the
// program's output and exit status are those of a run without MapGuard.
// scripts/mapguard-profile prints the table and draws the chart.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread %s -o %t && rm -f %t.prof.* %t.png \
// DEFINE:   && env MAPGUARD_OPTIONS=profile_path=%t.prof %t > %t.out 2> %t.err \
// DEFINE:   && FileCheck %s --check-prefix=OUT --input-file %t.out \
// DEFINE:   && FileCheck %s --check-prefix=ERR --allow-empty --input-file %t.err \
// DEFINE:   && ls %t.prof.* | count 1 \
// DEFINE:   && FileCheck %s --input-file %t.prof.* --implicit-check-not=per_thread_write \
// DEFINE:   && %mapguard_profile --top 5 --chart %t.png %t.prof.* > %t.table \
// DEFINE:   && FileCheck %s --check-prefix=TABLE --input-file %t.table --implicit-check-not=per_thread_write \
// DEFINE:   && %python -c "import sys; assert open(sys.argv[1], 'rb').read(8) == b'\x89PNG\r\n\x1a\n'" %t.png
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <pthread.h>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

constexpr int kThreads = 3, kRounds = 20;
std::unordered_map<int, int> shared;
std::unordered_map<int, int> own[kThreads];
std::mutex lock;
std::condition_variable turn_changed;
int turn = 0;

// CHECK: {"type":"profile","pid":{{[0-9]+}},"time":"{{.*}}"}
// CHECK-DAG: {"type":"site","file":"{{/.*}}clean_profile_shared_map.cpp","line":[[#@LINE+1]],"column":{{[0-9]+}},"function":"shared_insert(int)","operation":"operator[]","container":"std::unordered_map<int, int>","takeovers":{{[1-9][0-9]*}},"taken_from":{{[0-9]+}},"holds":{{[0-9]+}},"threads":[{"id":{{[0-9]+}},"name":"worker-{{[0-2]}}"},{"id":{{[0-9]+}},"name":"worker-{{[0-2]}}"}
void shared_insert(int key) { shared[key] = key; }

// CHECK-DAG: {"type":"site","file":"{{/.*}}clean_profile_shared_map.cpp","line":[[#@LINE+2]],"column":{{[0-9]+}},"function":"shared_erase(int)","operation":"erase",{{.*}}"taken_from":{{[1-9][0-9]*}},
// CHECK-DAG: {"type":"map","map":"0x{{[0-9a-f]+}}","container":"std::unordered_map<int, int>","handoffs":{{[1-9][0-9]*}},"threads":[{"id":{{[0-9]+}},"name":"worker-{{[0-2]}}"},{"id":{{[0-9]+}},"name":"worker-{{[0-2]}}"}{{.*}}"sites":[{"file"
void shared_erase(int key) { shared.erase(key - 1); }

void per_thread_write(int me, int key) { own[me][key] = key; }

void worker(int me) {
  pthread_setname_np(pthread_self(), ("worker-" + std::to_string(me)).c_str());
  for (int key = 0; key < 200; ++key)
    per_thread_write(me, key);
  for (int round = 0; round < kRounds; ++round) {
    std::unique_lock<std::mutex> held(lock);
    turn_changed.wait(held, [me] { return turn % kThreads == me; });
    shared_insert(turn);
    shared_erase(turn);
    ++turn;
    turn_changed.notify_all();
  }
}

// ERR-NOT: MapGuard
// OUT: shared 1, own 200 200 200

// TABLE: Write sites where maps changed hands between threads (top {{[0-9]}} of {{[0-9]}}):
// TABLE: takeovers taken from  holds threads  site
// TABLE-DAG: {{ +[1-9][0-9]* +[0-9]+ +[0-9]+ +[23]  .*}}clean_profile_shared_map.cpp:[[#LINE_I:]]:{{[0-9]+}} shared_insert(int) [operator[]]
// TABLE-DAG: {{ +[0-9]+ +[1-9][0-9]* +[0-9]+ +[23]  .*}}clean_profile_shared_map.cpp:{{[0-9]+}}:{{[0-9]+}} shared_erase(int) [erase]
// TABLE-DAG: std::unordered_map<int, int>; threads: worker-{{[0-2]}}, worker-{{[0-2]}}
// TABLE: Chart of the 1 most shared map(s): {{.*}}.png

int main() {
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back(worker, i);
  for (std::thread &t : threads)
    t.join();
  std::printf("shared %zu, own %zu %zu %zu\n", shared.size(), own[0].size(),
              own[1].size(), own[2].size());
}
