//===- SiteDescriptors.h - The constant that names a site to the runtime --===//
//
// Every hook call passes a __mapguard_site (runtime/mapguard_abi.h): file,
// line, column, enclosing function, container and operation, so that a
// report needs no symbolizer. Strings are pooled per module.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_SITEDESCRIPTORS_H
#define MAPGUARD_SITEDESCRIPTORS_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

namespace llvm {
class CallBase;
class Constant;
class Module;
class StructType;
} // namespace llvm

namespace mapguard {

struct MapOperation;

class SiteDescriptors {
public:
  explicit SiteDescriptors(llvm::Module &M) : M(M) {}

  /// A new private descriptor of type \p SiteTy for the call \p CB of \p Op.
  llvm::Constant *get(const llvm::CallBase &CB, const MapOperation &Op,
                      llvm::StructType *SiteTy);

private:
  llvm::Constant *string(llvm::StringRef S);

  llvm::Module &M;
  llvm::StringMap<llvm::Constant *> Strings;
};

} // namespace mapguard

#endif // MAPGUARD_SITEDESCRIPTORS_H
