//===- StaticRaceCheck.h - Build-time warning: unsynchronised map writes --===//
//
// Before any instrumentation, warns at compile time where a map is written
// by code that several threads run at once with nothing that could
// synchronise them:
//
//   warning: unsynchronized map write: std::unordered_map<std::string, int>
//   'm' is written by the threads started at seed.cpp:20:13 with no lock held
//
// A spawn site is a call in user code to pthread_create, or to a standard
// library function that reaches std::thread::_M_start_thread or
// pthread_create (std::thread's and std::jthread's constructors,
// vector<thread>::emplace_back, std::async); the threads run the user
// function the library calls through std::__invoke (a lambda's operator()),
// or pthread_create's start routine. A write in such a body warns when:
//  - the map is a global (not thread_local), a map captured by reference (or
//    a member of an object so captured), or pthread_create's argument, and
//    the very object is the same for every thread (an object of the
//    spawner's frame that is not created anew in the spawning loop, a
//    global, or one of the spawner's parameters);
//  - several threads write it at once: the spawn is in a loop that runs it
//    on every iteration with nothing that could synchronise (a join, a
//    destructor that joins, a lock) in the loop; or two spawns write it with
//    nothing that could synchronise on the straight path between them; or
//    the spawner writes it on the straight path after the spawn;
//  - on every path from the body's entry to the write, nothing could
//    synchronise (SyncAnalysis) and no branch depends on anything but
//    constants and the body's own locals (so `if (id == 0)` stays silent).
// Anything the analysis does not understand means no warning.
//
// Opt-outs: MAPGUARD_NO_INSTRUMENT or __attribute__((annotate(
// "mapguard_no_static"))) on the thread body or the spawner, the scope lists
// (a write they exclude), and `NOLINT(mapguard)` on the line of the write
// (read from the source file named by the debug location).
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_STATICRACECHECK_H
#define MAPGUARD_STATICRACECHECK_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <map>

namespace llvm {
class CallBase;
class DominatorTree;
class Function;
class LoopInfo;
class Module;
class Value;
} // namespace llvm

namespace mapguard {

class MapOperationCache;
class OptOuts;
class ScopeLists;

/// A call that starts one thread, and the user functions the thread runs.
struct SpawnSite {
  llvm::CallBase *Call = nullptr;
  llvm::SmallVector<llvm::Function *, 2> Bodies;
  /// pthread_create's last argument, which the start routine receives.
  llvm::Value *StartArgument = nullptr;
};

/// Finds the spawn sites of a module (StaticRaceCheckSpawns.cpp).
class SpawnFinder {
public:
  explicit SpawnFinder(llvm::Module &M) : M(M) {}
  /// The spawn sites in user functions; none when nothing in the module can
  /// start a thread.
  llvm::SmallVector<SpawnSite, 4> find();
  /// Whether \p F is the program's own code: not the standard library's, a
  /// compiler helper's or MapGuard's.
  static bool isUserFunction(const llvm::Function &F);

private:
  /// The functions that reach a thread start, through defined library
  /// functions and the tables (vtables) that name them.
  void markStarters();
  /// The user functions a library call runs through std::__invoke.
  const llvm::SmallVector<llvm::Function *, 2> &
  invokedBodies(llvm::Function &Callee);

  llvm::Module &M;
  llvm::SmallPtrSet<const llvm::Function *, 32> Starters;
  std::map<const llvm::Function *, llvm::SmallVector<llvm::Function *, 2>>
      Bodies;
};

/// Emits the warnings for \p M. Changes nothing in the IR.
void checkUnsynchronizedMapWrites(
    llvm::Module &M, MapOperationCache &Ops, const ScopeLists &Scope,
    const OptOuts &OptedOut,
    llvm::function_ref<llvm::LoopInfo &(llvm::Function &)> GetLoops,
    llvm::function_ref<llvm::DominatorTree &(llvm::Function &)> GetDomTree);

} // namespace mapguard

#endif // MAPGUARD_STATICRACECHECK_H
