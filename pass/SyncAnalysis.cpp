//===- SyncAnalysis.cpp - Whether code could synchronise with another thread
//===//
//
// See SyncAnalysis.h for what counts.
//
//===----------------------------------------------------------------------===//
#include "SyncAnalysis.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"

#include <cctype>
#include <cstdlib>

using namespace llvm;

namespace mapguard {

/// Calls nested deeper than this count as "could" (a guard for the stack of
/// this recursive analysis; real chains through container code are a few
/// dozen deep).
constexpr unsigned MaxCallDepth = 256;

//===----------------------------------------------------------------------===//
// Library functions known not to synchronise
//===----------------------------------------------------------------------===//

/// C library and allocation functions, when TargetLibraryInfo recognises
/// the declaration (name and prototype). The allocation functions are
/// ordered among themselves only, which no program can use to order its
/// own accesses.
static bool isSyncFreeLibFunc(StringRef Name) {
  static const StringSet<> Names = {
      "malloc",         "free",   "calloc", "realloc", "aligned_alloc",
      "posix_memalign", "memcmp", "bcmp",   "memchr",  "memcpy",
      "memmove",        "memset", "strlen", "strnlen", "strcmp",
      "strncmp",        "strchr", "strrchr"};
  // operator new and delete, every variant (_Znwm, _ZdlPvm, ...).
  return Names.contains(Name) || Name.starts_with("_Znw") ||
         Name.starts_with("_Zna") || Name.starts_with("_Zdl") ||
         Name.starts_with("_Zda");
}

/// The exception ABI (libstdc++'s and libc++'s, the same) and the unwinder.
/// __cxa_throw's destructor argument is judged by its body (visit's caller).
static bool isSyncFreeRuntimeFunction(StringRef Name) {
  static const StringSet<> Names = {
      "__cxa_allocate_exception", "__cxa_free_exception", "__cxa_throw",
      "__cxa_begin_catch",        "__cxa_end_catch",      "__cxa_rethrow",
      "__cxa_get_exception_ptr",  "_Unwind_Resume"};
  return Names.contains(Name);
}

/// Functions of the standard library compiled into it (no body in the
/// module) that follow pointers, hash bytes or throw: exact names, after
/// inline namespaces are removed.
static bool isSyncFreeStdFunction(StringRef QualifiedName) {
  static const StringSet<> Names = {
      // libstdc++'s red-black tree and hash.
      "std::_Rb_tree_increment", "std::_Rb_tree_decrement",
      "std::_Rb_tree_insert_and_rebalance", "std::_Rb_tree_rebalance_for_erase",
      "std::_Rb_tree_black_count", "std::_Hash_bytes", "std::_Fnv_hash_bytes",
      // libc++'s.
      "std::__next_prime", "std::__hash_memory", "std::__libcpp_verbose_abort",
      "std::to_string", "std::to_wstring",
      // What containers and strings throw.
      "std::__throw_length_error", "std::__throw_out_of_range",
      "std::__throw_out_of_range_fmt", "std::__throw_bad_alloc",
      "std::__throw_bad_array_new_length", "std::__throw_logic_error",
      "std::__throw_invalid_argument", "std::__throw_bad_function_call"};
  return Names.contains(QualifiedName);
}

/// Names a standard class and its signature may be spelled with when none
/// of its members can synchronise: containers, strings, their internals
/// (libstdc++'s and libc++'s), the standard function objects and allocator,
/// the exceptions containers throw, builtin types. A user's type, or a
/// standard one that can synchronise (thread, mutex, future, ...), is not
/// among them.
static bool isSyncFreeName(StringRef Token) {
  static const StringSet<> Names = {
      // Namespaces.
      "std", "__1", "__cxx11", "__detail", "__gnu_cxx",
      // Builtin types and qualifiers.
      "void", "bool", "char", "signed", "unsigned", "short", "int", "long",
      "float", "double", "wchar_t", "char8_t", "char16_t", "char32_t",
      "__int128", "const", "nullptr_t", "decltype", "nullptr", "true", "false",
      // The containers, strings and what they are spelled with.
      "map", "multimap", "set", "multiset", "unordered_map",
      "unordered_multimap", "unordered_set", "unordered_multiset",
      "basic_string", "basic_string_view", "char_traits", "pair", "tuple",
      "less", "greater", "equal_to", "hash", "allocator", "new_allocator",
      "__new_allocator", "allocator_traits", "__alloc_traits",
      "__allocator_traits_base", "initializer_list", "piecewise_construct_t",
      "unique_ptr", "default_delete", "_Alloc_hider",
      // Exceptions that containers and strings throw.
      "exception", "logic_error", "length_error", "out_of_range",
      "invalid_argument", "bad_alloc", "bad_array_new_length",
      // libstdc++'s trees and hash tables.
      "_Rb_tree", "_Rb_tree_impl", "_Rb_tree_node", "_Rb_tree_node_base",
      "_Rb_tree_header", "_Rb_tree_key_compare", "_Rb_tree_iterator",
      "_Rb_tree_const_iterator", "_Alloc_node", "_Reuse_or_alloc_node",
      "_Auto_node", "_Select1st", "_Identity", "_Hashtable", "_Hashtable_base",
      "_Hashtable_alloc", "_Hashtable_traits", "_Hashtable_ebo_helper",
      "_Hash_node", "_Hash_node_base", "_Hash_node_value_base",
      "_Hash_node_value", "_Hash_code_base", "_Hashtable_hash_traits",
      "_Node_iterator", "_Node_iterator_base", "_Node_const_iterator",
      "_Mod_range_hashing", "_Default_ranged_hash", "_Prime_rehash_policy",
      "_Map_base", "_Insert", "_Insert_base", "_Rehash_base", "_Equality",
      "_AllocNode", "_ReuseOrAllocNode", "_Scoped_node", "_Node_handle",
      "_Node_handle_common", "_Node_insert_return",
      // libc++'s.
      "__tree", "__tree_node", "__tree_node_base", "__tree_end_node",
      "__tree_iterator", "__tree_const_iterator", "__tree_node_destructor",
      "__value_type", "__map_value_compare", "__map_iterator",
      "__map_const_iterator", "__map_node_destructor", "__hash_table",
      "__hash_node", "__hash_node_base", "__hash_iterator",
      "__hash_const_iterator", "__hash_local_iterator",
      "__hash_const_local_iterator", "__hash_value_type",
      "__hash_node_destructor", "__hash_map_iterator",
      "__hash_map_const_iterator", "__unordered_map_hasher",
      "__unordered_map_equal", "__bucket_list_deallocator", "__compressed_pair",
      "__compressed_pair_elem", "__default_init_tag", "__value_init_tag",
      "__basic_node_handle", "__insert_return_type"};
  if (Token.empty() || isdigit(static_cast<unsigned char>(Token.front())))
    return true; // a number: a template argument such as 4ul
  return Names.contains(Token);
}

/// Whether every name in \p Text is one of isSyncFreeName's. A function
/// type ("(*)") is a callback: never.
static bool spellsOnlySyncFreeNames(StringRef Text) {
  if (Text.contains("(*)") || Text.contains("(&)") || Text.contains("(&&)"))
    return false;
  std::string S = Text.str();
  // libc++'s ABI tags ("[abi:ne190107]") name no type.
  for (size_t Pos = S.find("[abi:"); Pos != std::string::npos;
       Pos = S.find("[abi:", Pos)) {
    size_t Close = S.find(']', Pos);
    if (Close == std::string::npos)
      return false;
    S.erase(Pos, Close - Pos + 1);
  }
  StringRef Rest = S;
  while (!Rest.empty()) {
    char C = Rest.front();
    if (!isalnum(static_cast<unsigned char>(C)) && C != '_') {
      Rest = Rest.drop_front();
      continue;
    }
    StringRef Token = Rest.take_while([](char C) {
      return isalnum(static_cast<unsigned char>(C)) || C == '_';
    });
    if (!isSyncFreeName(Token))
      return false;
    Rest = Rest.drop_front(Token.size());
  }
  return true;
}

/// Removes inline namespaces, as reports do.
static std::string withoutInlineNamespaces(StringRef Name) {
  std::string S = Name.str();
  for (StringRef Inline : {"std::__1::", "std::__cxx11::"})
    for (size_t Pos = S.find(Inline.str()); Pos != std::string::npos;
         Pos = S.find(Inline.str(), Pos))
      S.replace(Pos, Inline.size(), "std::");
  return S;
}

/// A standard library function without a body in the module, judged by its
/// demangled name: an exact free function of isSyncFreeStdFunction, or a
/// member of a class whose whole signature (class, template arguments,
/// parameters) spells only sync-free names.
static bool isSyncFreeStdDeclaration(StringRef Mangled) {
  if (!Mangled.starts_with("_Z"))
    return false;
  std::string Buffer = Mangled.str();
  ItaniumPartialDemangler D;
  if (D.partialDemangle(Buffer.c_str()) || !D.isFunction())
    return false;
  using FreePtr = std::unique_ptr<char, decltype(&std::free)>;
  FreePtr Context(D.getFunctionDeclContextName(nullptr, nullptr), &std::free);
  FreePtr Base(D.getFunctionBaseName(nullptr, nullptr), &std::free);
  FreePtr Params(D.getFunctionParameters(nullptr, nullptr), &std::free);
  FreePtr Name(D.getFunctionName(nullptr, nullptr), &std::free);
  if (!Context || !Base || !Params || !Name)
    return false;
  StringRef Ctx = Context.get();
  if (!Ctx.starts_with("std::") && Ctx != "std")
    return false;
  bool InNamespace = false; // a free function, known by its exact name
  for (StringRef NS : {"std", "std::__1", "std::__cxx11", "std::__detail"})
    InNamespace |= Ctx == NS;
  if (InNamespace)
    return isSyncFreeStdFunction(
               withoutInlineNamespaces(Ctx.str() + "::" + Base.get())) &&
           spellsOnlySyncFreeNames(Params.get());
  // A member: its function template arguments follow the base name.
  StringRef Full = Name.get();
  StringRef TemplateArgs;
  size_t BaseAt = Full.rfind(Base.get());
  if (BaseAt != StringRef::npos)
    TemplateArgs = Full.drop_front(BaseAt + strlen(Base.get()));
  return spellsOnlySyncFreeNames(Ctx) &&
         spellsOnlySyncFreeNames(TemplateArgs) &&
         spellsOnlySyncFreeNames(Params.get());
}

//===----------------------------------------------------------------------===//
// The analysis
//===----------------------------------------------------------------------===//

SyncAnalysis::SyncAnalysis(const Module &M)
    : TLII(
          std::make_unique<TargetLibraryInfoImpl>(Triple(M.getTargetTriple()))),
      TLI(std::make_unique<TargetLibraryInfo>(*TLII)) {}

bool SyncAnalysis::isKnownSyncFreeDeclaration(const Function &F) {
  StringRef Name = F.getName();
  LibFunc LF;
  if (TLI->getLibFunc(F, LF) && isSyncFreeLibFunc(Name))
    return true;
  return isSyncFreeRuntimeFunction(Name) || isSyncFreeStdDeclaration(Name);
}

/// Stronger than relaxed: an access that can take part in happens-before.
/// (Relaxed atomics order nothing without a fence, and fences count.)
static bool ordersOthers(AtomicOrdering O) {
  return isStrongerThan(O, AtomicOrdering::Monotonic);
}

/// The std::terminate handler of a noexcept function, a trap, abort: the
/// program ends there.
static bool endsProgram(const Function &F) {
  switch (F.getIntrinsicID()) {
  case Intrinsic::trap:
  case Intrinsic::ubsantrap:
    return true;
  default:
    break;
  }
  StringRef Name = F.getName();
  return Name == "__clang_call_terminate" || Name == "_ZSt9terminatev" ||
         Name == "abort";
}

bool SyncAnalysis::couldAll() {
  for (const Function *F : Stack)
    Nodes[F].State = Node::Could;
  Stack.clear();
  return false;
}

bool SyncAnalysis::visit(const Function &F) {
  auto [It, Inserted] = Nodes.try_emplace(&F, Node{Node::OnStack, 0, 0});
  if (!Inserted) {
    if (It->second.State == Node::Could)
      return false;
    return true; // free, or on the stack: its component decides
  }
  if (F.hasFnAttribute(Attribute::NoSync) || endsProgram(F) ||
      (F.isDeclaration() && isKnownSyncFreeDeclaration(F))) {
    It->second.State = Node::Free;
    return true;
  }
  if (F.isDeclaration() || F.isInterposable() || Depth >= MaxCallDepth) {
    It->second.State = Node::Could;
    return couldAll();
  }
  unsigned Index = NextIndex++;
  It->second.Index = It->second.LowLink = Index;
  Stack.push_back(&F);
  ++Depth;
  // (Nodes may grow below: its entries are looked up again, not kept.)
  unsigned LowLink = Index;
  for (const Instruction &I : instructions(F))
    if (instructionMaySynchronize(I, LowLink)) {
      --Depth;
      return couldAll();
    }
  --Depth;
  Nodes[&F].LowLink = LowLink;
  if (LowLink != Index)
    return true; // a member of a component its root decides
  // The root of a component in which nothing could: all of it is free.
  while (true) {
    const Function *Member = Stack.pop_back_val();
    Nodes[Member].State = Node::Free;
    if (Member == &F)
      break;
  }
  return true;
}

bool SyncAnalysis::instructionMaySynchronize(const Instruction &I,
                                             unsigned &LowLink) {
  if (isa<FenceInst>(I))
    return true;
  // Volatile accesses count too: older code uses them as hand-made flags.
  if (auto *L = dyn_cast<LoadInst>(&I))
    return L->isVolatile() || ordersOthers(L->getOrdering());
  if (auto *S = dyn_cast<StoreInst>(&I))
    return S->isVolatile() || ordersOthers(S->getOrdering());
  if (auto *RMW = dyn_cast<AtomicRMWInst>(&I))
    return RMW->isVolatile() || ordersOthers(RMW->getOrdering());
  if (auto *CX = dyn_cast<AtomicCmpXchgInst>(&I))
    return CX->isVolatile() || ordersOthers(CX->getSuccessOrdering()) ||
           ordersOthers(CX->getFailureOrdering());
  if (auto *MI = dyn_cast<MemIntrinsic>(&I))
    return MI->isVolatile();
  const auto *CB = dyn_cast<CallBase>(&I);
  if (!CB)
    return false;
  if (const auto *Asm = dyn_cast<InlineAsm>(CB->getCalledOperand()))
    // asm volatile("" ::: "memory"): a compiler barrier, no instruction.
    return !StringRef(Asm->getAsmString()).trim().empty();
  const Function *Callee = CB->getCalledFunction();
  if (!Callee || !follow(*Callee, LowLink))
    return true;
  // A function passed to a known declaration (__cxa_throw's destructor) may
  // be called by it.
  if (Callee->isDeclaration() && !Callee->isIntrinsic())
    for (const Value *Arg : CB->args())
      if (const auto *Fn = dyn_cast<Function>(Arg->stripPointerCasts()))
        if (!follow(*Fn, LowLink))
          return true;
  return false;
}

bool SyncAnalysis::follow(const Function &Callee, unsigned &LowLink) {
  if (!visit(Callee))
    return false;
  const Node &C = Nodes.find(&Callee)->second;
  if (C.State == Node::OnStack)
    LowLink = std::min(LowLink, C.LowLink);
  return true;
}

bool SyncAnalysis::maySynchronize(const Instruction &I) {
  unsigned LowLink = ~0u; // no component of a caller to join
  bool Could = instructionMaySynchronize(I, LowLink);
  // Every component begun from here has been decided.
  Stack.clear();
  Depth = 0;
  return Could;
}

} // namespace mapguard
