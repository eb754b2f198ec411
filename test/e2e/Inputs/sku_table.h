// A project's own map type, declared to MapGuard by annotations: its
// members are defined in sku_table.cpp (compiled on its own) but for
// clear() and begin(), defined here, inline. Each member first lets
// overlap.h hold thread A inside it.
#ifndef MAPGUARD_E2E_SKU_TABLE_H
#define MAPGUARD_E2E_SKU_TABLE_H

#include "overlap.h"
#include <mapguard/mapguard.h>
#include <string>
#include <unordered_map>

namespace inventory {

class SkuTable {
public:
  using const_iterator = std::unordered_map<std::string, int>::const_iterator;

  MAPGUARD_WRITES_MAP void put(const std::string &sku, int count);
  MAPGUARD_READS_MAP int get(const std::string &sku) const;
  MAPGUARD_WRITES_MAP void clear() {
    overlap::hold_if_armed();
    counts_.clear();
  }
  MAPGUARD_ITERATES_MAP const_iterator begin() const {
    overlap::hold_if_armed();
    return counts_.begin();
  }
  const_iterator end() const { return counts_.end(); }
  size_t size() const { return counts_.size(); }

private:
  std::unordered_map<std::string, int> counts_;
};

/// A free function: its map is its first parameter.
MAPGUARD_WRITES_MAP void restock(SkuTable &table, const std::string &sku);

} // namespace inventory

#endif
