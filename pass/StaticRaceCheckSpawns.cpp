//===- StaticRaceCheckSpawns.cpp - Where a program starts threads ---------===//
//
// The spawn sites the build-time check (StaticRaceCheck.h) starts from: calls
// in user code to pthread_create, or to a library function that reaches a
// thread start (std::thread::_M_start_thread, pthread_create, thrd_create)
// through defined library functions and the vtables they store.
//
//===----------------------------------------------------------------------===//
#include "MapOperationCatalog.h"
#include "StaticRaceCheck.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace mapguard {
namespace {

/// Bounds on the walks: a module this large is left alone.
constexpr unsigned MaxFunctionsWalked = 4000;
constexpr unsigned MaxConstantsWalked = 20000;

/// Asked of every function of every module: by name, without demangling.
bool isThreadStart(const Function &F) {
  StringRef Name = F.getName();
  return Name == "pthread_create" || Name == "thrd_create" ||
         Name.starts_with("_ZNSt6thread15_M_start_thread");
}

/// The name of a function template of namespace std (libstdc++'s std:: or
/// libc++'s std::__1::), read from the mangled name as their decltype
/// return types defeat the demangler: "__invoke" for std::__invoke<F>.
StringRef stdTemplateName(const Function &F) {
  StringRef Name = F.getName();
  if (!Name.consume_front("_ZSt") && !Name.consume_front("_ZNSt3__1"))
    return "";
  unsigned Length;
  if (Name.consumeInteger(10, Length) || Length > Name.size())
    return "";
  StringRef Base = Name.take_front(Length);
  Name = Name.drop_front(Length);
  // Template arguments follow, after libc++'s ABI tag.
  return Name.starts_with("I") || Name.starts_with("B") ? Base : "";
}

/// std::__invoke and its kin: the library's one way to call the callable a
/// thread was given.
bool isInvoker(const Function &F) {
  StringRef Base = stdTemplateName(F);
  return Base == "__invoke" || Base == "__invoke_impl" || Base == "invoke" ||
         Base == "__invoke_r";
}

} // namespace

bool SpawnFinder::isUserFunction(const Function &F) {
  StringRef Name = F.getName();
  if (Name.empty() || F.isIntrinsic() || Name.starts_with("__") ||
      Name.starts_with("llvm.") || Name.starts_with("pthread_"))
    return false;
  if (!Name.starts_with("_Z"))
    return true; // C functions and main
  std::string Qualified = qualifiedFunctionName(Name);
  if (Qualified.empty())
    return false;
  StringRef Q(Qualified);
  return !Q.starts_with("std::") && !Q.starts_with("__gnu_cxx::") &&
         !Q.starts_with("__cxxabiv1::") && !Q.starts_with("__gnu_debug::") &&
         !isContainerImplementation(Name);
}

void SpawnFinder::markStarters() {
  SmallVector<const Value *, 32> Work;
  SmallPtrSet<const Value *, 32> Seen;
  for (const Function &F : M)
    if (isThreadStart(F)) {
      Starters.insert(&F);
      Work.push_back(&F);
    }
  while (!Work.empty() && Seen.size() < MaxConstantsWalked) {
    const Value *V = Work.pop_back_val();
    if (!Seen.insert(V).second)
      continue;
    for (const User *U : V->users()) {
      if (const auto *I = dyn_cast<Instruction>(U)) {
        // A library function that uses a starter starts threads for its
        // caller; the program's own functions are spawners, not starters.
        const Function *F = I->getFunction();
        if (!isUserFunction(*F) && Starters.insert(F).second)
          Work.push_back(F);
      } else if (isa<Constant>(U)) {
        Work.push_back(U); // a vtable, or a constant expression in one
      }
    }
  }
}

const SmallVector<Function *, 2> &SpawnFinder::invokedBodies(Function &Callee) {
  auto [It, New] = Bodies.try_emplace(&Callee);
  if (!New)
    return It->second;
  SmallVector<Function *, 2> Found;
  SmallVector<Function *, 32> Work{&Callee};
  SmallPtrSet<const Value *, 32> Seen{&Callee};
  unsigned Constants = 0;
  // Functions named by a constant operand (a vtable's slots), library ones
  // to walk on.
  auto AddConstant = [&](Constant *C) {
    SmallVector<Constant *, 8> CWork{C};
    while (!CWork.empty() && ++Constants < MaxConstantsWalked) {
      Constant *K = CWork.pop_back_val();
      if (!Seen.insert(K).second)
        continue;
      if (auto *F = dyn_cast<Function>(K)) {
        if (!F->isDeclaration() && !isUserFunction(*F))
          Work.push_back(F);
      } else if (auto *GV = dyn_cast<GlobalVariable>(K)) {
        if (GV->hasInitializer())
          CWork.push_back(GV->getInitializer());
      } else if (!isa<GlobalValue>(K)) {
        for (Value *Op : K->operands())
          if (auto *OpC = dyn_cast<Constant>(Op))
            CWork.push_back(OpC);
      }
    }
  };
  while (!Work.empty() && Seen.size() < MaxFunctionsWalked) {
    Function *F = Work.pop_back_val();
    bool Invoker = isInvoker(*F);
    for (Instruction &I : instructions(*F)) {
      if (auto *CB = dyn_cast<CallBase>(&I)) {
        Function *G = CB->getCalledFunction();
        if (G && Invoker && !G->isDeclaration() && isUserFunction(*G)) {
          if (!is_contained(Found, G))
            Found.push_back(G);
          continue;
        }
      }
      for (Value *Op : I.operands())
        if (auto *C = dyn_cast<Constant>(Op))
          if (!isa<ConstantData>(C))
            AddConstant(C);
    }
  }
  // A walk cut short may have missed a body: then nothing is known.
  if (!Work.empty())
    Found.clear();
  return It->second = std::move(Found);
}

SmallVector<SpawnSite, 4> SpawnFinder::find() {
  SmallVector<SpawnSite, 4> Sites;
  markStarters();
  if (Starters.empty())
    return Sites; // nothing here can start a thread
  for (Function &F : M) {
    if (F.isDeclaration() || !isUserFunction(F))
      continue;
    for (Instruction &I : instructions(F)) {
      auto *CB = dyn_cast<CallBase>(&I);
      Function *Callee = CB ? CB->getCalledFunction() : nullptr;
      if (!Callee || !Starters.count(Callee))
        continue;
      SpawnSite Site;
      Site.Call = CB;
      if (Callee->getName() == "pthread_create") {
        auto *Start =
            CB->arg_size() == 4
                ? dyn_cast<Function>(CB->getArgOperand(2)->stripPointerCasts())
                : nullptr;
        if (!Start || Start->isDeclaration() || !isUserFunction(*Start))
          continue;
        Site.Bodies.push_back(Start);
        Site.StartArgument = CB->getArgOperand(3);
        Sites.push_back(std::move(Site));
        continue;
      }
      if (Callee->isDeclaration())
        continue; // thrd_create, or a starter called directly: not known
      // std::async(std::launch::deferred, ...) runs in the caller's get().
      if (stdTemplateName(*Callee) == "async" &&
          any_of(CB->args(), [](const Use &A) {
            auto *K = dyn_cast<ConstantInt>(A.get());
            return K && !(K->getZExtValue() & 1);
          }))
        continue;
      Site.Bodies = invokedBodies(*Callee);
      // std::thread t(worker): the function itself is the body. The callable
      // comes before its arguments, which may be functions too.
      for (Value *Arg : CB->args())
        if (auto *Fn = dyn_cast<Function>(Arg->stripPointerCasts())) {
          if (!Fn->isDeclaration() && isUserFunction(*Fn) &&
              !is_contained(Site.Bodies, Fn))
            Site.Bodies.push_back(Fn);
          break;
        }
      if (!Site.Bodies.empty())
        Sites.push_back(std::move(Site));
    }
  }
  return Sites;
}

} // namespace mapguard
