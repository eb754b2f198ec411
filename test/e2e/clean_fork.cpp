// After fork() the child's MapGuard table is empty: the child writes a map
// that another thread of the parent was in the middle of writing at fork
// time, and nothing is reported.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t \
// DEFINE:   && for i in 1 2 3 4 5; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O0 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}

#include "overlap.h"
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>
#include <unordered_map>

std::unordered_map<int, int, GateHash> jobs;

int main() {
  overlap::Gate gate;
  std::thread parent_writer([&] {
    overlap::arm(gate);
    jobs[1] = 1; // holds inside its hash until the child has finished
  });
  gate.wait_for_a();
  std::fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    jobs[2] = 2;
    jobs.erase(2);
    jobs.emplace(3, 3);
    std::printf("child: %zu entries\n", jobs.size());
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  gate.b_finished();
  parent_writer.join();
  // CHECK: child: 1 entries
  // CHECK-NEXT: child exited normally with 0
  // CHECK-NEXT: parent: 1 entries
  std::printf("child exited %s with %d\n", WIFEXITED(status) ? "normally" : "by a signal",
              WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
  std::printf("parent: %zu entries\n", jobs.size());
}
