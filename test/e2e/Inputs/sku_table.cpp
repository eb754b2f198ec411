// The out-of-line members of sku_table.h.
#include "sku_table.h"

namespace inventory {

void SkuTable::put(const std::string &sku, int count) {
  overlap::hold_if_armed();
  counts_[sku] = count;
}

int SkuTable::get(const std::string &sku) const {
  overlap::hold_if_armed();
  auto it = counts_.find(sku);
  return it == counts_.end() ? 0 : it->second;
}

void restock(SkuTable &table, const std::string &sku) {
  table.put(sku, table.get(sku) + 10);
}

} // namespace inventory
