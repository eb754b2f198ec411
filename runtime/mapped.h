//===-- mapped.h - Tables mapped on first use ------------------*- C++ -*-===//
//
// Big tables the hooks' hot paths never touch (thread names, a report's
// stacks, learn_path's pairs) are not static: each is mapped the first time
// a slow path needs it, so that the runtime's own .data + .bss stays small.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_MAPPED_H
#define MAPGUARD_MAPPED_H

#include <atomic>
#include <stddef.h>

namespace __mapguard {

// Bytes of zeroed, private, anonymous memory (MAP_NORESERVE: pages cost
// nothing until written), or null if mmap fails; then, at verbosity=1, one
// line per What ("cannot map N KiB for <What> ...; <Without>").
void *MapZeroed(size_t Bytes, const char *What, const char *Without,
                std::atomic<bool> &Warned);
void Unmap(void *P, size_t Bytes);

// A T (all zero bytes a valid, empty T) mapped on first get(), published
// once with a compare-and-swap (the thread that loses unmaps its copy) and
// never unmapped: a signal handler or another thread may hold a pointer
// into it at any time. Zero-initialised as a static: no constructor runs.
template <class T> class MappedOnFirstUse {
public:
  // The table, mapping it if it is not yet; null if mmap failed.
  T *get(const char *What, const char *Without) {
    T *P = Published.load(std::memory_order_acquire);
    if (__builtin_expect(P != nullptr, 1))
      return P;
    T *Mine = static_cast<T *>(MapZeroed(sizeof(T), What, Without, Warned));
    if (!Mine)
      return nullptr;
    if (Published.compare_exchange_strong(P, Mine, std::memory_order_acq_rel,
                                          std::memory_order_acquire))
      return Mine;
    Unmap(Mine, sizeof(T));
    return P; // the winner's
  }
  // The table if some get() mapped it, else null.
  T *peek() const { return Published.load(std::memory_order_acquire); }

private:
  std::atomic<T *> Published;
  std::atomic<bool> Warned;
};

} // namespace __mapguard

#endif // MAPGUARD_MAPPED_H
