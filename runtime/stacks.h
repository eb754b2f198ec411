//===-- stacks.h - The two threads' call stacks in a report ----*- C++ -*-===//
//
// See stacks.cpp. Used by report.cpp only, under the report lock.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_STACKS_H
#define MAPGUARD_STACKS_H

#include "report.h"

#include <stddef.h>
#include <stdint.h>

namespace __mapguard {

struct Slot;

// At most this many frames are kept (stack_depth caps it lower), beyond the
// runtime's own frames at the top of a stack, dropped when it is printed.
constexpr int kRuntimeFrames = 12;
constexpr int kMaxStackDepth = 64 + kRuntimeFrames;

struct Stack {
  int depth = 0;
  bool ended = false; // the thread had left its access when asked
  uintptr_t pc[kMaxStackDepth];
};

// The calling thread's stack, from its caller.
void CaptureOwnStack(Stack &Out);
// The stack of thread Tid while InSlot still holds Key (its access); empty
// and ended if the access was over, or no answer came within 100 ms.
void CaptureThreadStack(int32_t Tid, Slot *InSlot, uint64_t Key, Stack &Out);
struct Frame {
  const char *function; // "??" when unknown
  const char *file;     // "??" when unknown
  unsigned line, column;
};
struct SymbolizedStack {
  int depth = 0;
  Frame frames[kMaxStackDepth];
};
// Symbolizes Stacks[0..N) into Out[0..N) (frames point into the runtime's
// buffer, valid until the next call; inlined calls are frames of their own).
// False when no symbolizer could be run, or its buffer could not be mapped.
bool SymbolizeStacks(const Stack *const *Stacks, size_t N,
                     SymbolizedStack *Out);

// Takes both threads' stacks for C (second, then first), if stack_depth
// asks for them; PrintStack prints one of them (Which: 0 second, 1 first)
// under its writer's line.
void TakeStacks(const Conflict &C);
void PrintStack(Output &Out, const ConflictWriter &W, int Which);
// The frames PrintStack prints, in *Frames; returns how many (0: none).
int StackFrames(const ConflictWriter &W, int Which, const Frame **Frames);

} // namespace __mapguard

#endif // MAPGUARD_STACKS_H
