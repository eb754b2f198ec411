; Calls made inside a container's own members (and inside libstdc++'s
; _Hashtable / _Rb_tree, libc++'s __hash_table / __tree) are not wrapped:
; the user's outer call already is. Calls from other library code are.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s

; std::map<int, int>::insert(std::pair<int const, int>&&)
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE6insertEOS2_(ptr, ptr) nounwind

; std::map<int, int>::insert<std::pair<int const, int>*>(first, last), a
; member inserting element by element.
; CHECK-LABEL: define void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE6insertIPS2_EEvT_S8_(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE6insertIPS2_EEvT_S8_(ptr %this, ptr %first, ptr %last) {
  %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE6insertEOS2_(ptr %this, ptr %first)
  ret void
}

; A member of libstdc++'s std::_Rb_tree<...> (its _M_insert_unique).
; CHECK-LABEL: define void @_ZNSt8_Rb_treeIiSt4pairIKiiESt10_Select1stIS2_ESt4lessIiESaIS2_EE16_M_insert_uniqueIS2_EES0_ISt17_Rb_tree_iteratorIS2_EbEOT_(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @_ZNSt8_Rb_treeIiSt4pairIKiiESt10_Select1stIS2_ESt4lessIiESaIS2_EE16_M_insert_uniqueIS2_EES0_ISt17_Rb_tree_iteratorIS2_EbEOT_(ptr %t, ptr %v) {
  %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE6insertEOS2_(ptr %t, ptr %v)
  ret void
}

; A member of libc++'s std::__1::__tree<int, std::__1::less<int>, std::__1::allocator<int>> (clear()).
; CHECK-LABEL: define void @_ZNSt3__16__treeIiNS_4lessIiEENS_9allocatorIiEEE5clearEv(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @_ZNSt3__16__treeIiNS_4lessIiEENS_9allocatorIiEEE5clearEv(ptr %t, ptr %v) {
  %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE6insertEOS2_(ptr %t, ptr %v)
  ret void
}

; Other library code is wrapped: std::insert_iterator<std::map<int, int>>::operator=.
; CHECK-LABEL: define ptr @_ZNSt15insert_iteratorISt3mapIiiSt4lessIiESaISt4pairIKiiEEEEaSERKS4_(
; CHECK:       call i64 @__mapguard_write_begin(ptr %c,
; CHECK:       call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE6insertEOS2_(ptr %c, ptr %v)
; CHECK-NEXT:  call void @__mapguard_write_end(ptr %c,
define ptr @_ZNSt15insert_iteratorISt3mapIiiSt4lessIiESaISt4pairIKiiEEEEaSERKS4_(ptr %it, ptr %v) {
  %c = load ptr, ptr %it
  %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE6insertEOS2_(ptr %c, ptr %v)
  ret ptr %it
}
