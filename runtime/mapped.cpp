//===-- mapped.cpp - Tables mapped on first use ---------------------------===//
//
// See mapped.h. mmap is a system call, safe from any thread at any time,
// inside an allocator or a signal handler included.
//
//===----------------------------------------------------------------------===//
#include "mapped.h"

#include "mapguard_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

namespace __mapguard {

void *MapZeroed(size_t Bytes, const char *What, const char *Without,
                std::atomic<bool> &Warned) {
  void *P = mmap(nullptr, Bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (P != MAP_FAILED)
    return P;
  int Error = errno;
  if (g_options.verbosity >= 1 &&
      !Warned.exchange(true, std::memory_order_relaxed)) {
    char Buf[256];
    Output Out(2, Buf, sizeof(Buf));
    Out.pid().str("MapGuard: cannot map ").dec((Bytes + 1023) / 1024);
    Out.str(" KiB for ").str(What);
    if (const char *Name = strerrorname_np(Error))
      Out.str(" (").str(Name).str(")");
    Out.str("; ").str(Without).str("\n");
    Out.flush();
  }
  return nullptr;
}

void Unmap(void *P, size_t Bytes) { munmap(P, Bytes); }

} // namespace __mapguard
