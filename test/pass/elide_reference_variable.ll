; At -O0 (and before SROA) clang keeps a reference variable in memory:
; `std::map<int, int> &r = m;` stores m's address into r's slot and loads it
; back, and so does a range-for loop for its hidden range. A slot whose own
; address never escapes is followed: writes through it are elided when
; everything stored in it is a local map that does not escape, and what is
; loaded from it must obey the same rules as the map itself.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s \
; RUN:   -pass-remarks=mapguard 2>%t.remarks | FileCheck %s
; RUN: FileCheck %s --check-prefix=REMARK --input-file=%t.remarks

@keep = global ptr null

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr) nounwind
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind
; fill(std::map<int, int>&)
declare void @_Z4fillRSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(ptr) nounwind
; watch(std::map<int, int>*&)
declare void @_Z5watchRPSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(ptr) nounwind
declare void @llvm.lifetime.start.p0(i64, ptr)
declare void @llvm.lifetime.end.p0(i64, ptr)

; std::map<int, int> m; auto &r = m; r.clear(); m.clear();
; CHECK-LABEL: define void @through_reference(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @through_reference() {
  %m = alloca [48 x i8], align 8
  %ref.addr = alloca ptr, align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr %m)
  call void @llvm.lifetime.start.p0(i64 8, ptr %ref.addr)
  store ptr %m, ptr %ref.addr, align 8
  %r = load ptr, ptr %ref.addr, align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %r)
  call void @llvm.lifetime.end.p0(i64 8, ptr %ref.addr)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; auto &r = m; auto &r2 = r; r2.clear();
; CHECK-LABEL: define void @reference_to_reference(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @reference_to_reference() {
  %m = alloca [48 x i8], align 8
  %ref.addr = alloca ptr, align 8
  %ref2.addr = alloca ptr, align 8
  store ptr %m, ptr %ref.addr, align 8
  %r = load ptr, ptr %ref.addr, align 8
  store ptr %r, ptr %ref2.addr, align 8
  %r2 = load ptr, ptr %ref2.addr, align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %r2)
  ret void
}

; auto &r = m; fill(r); m.clear(): the copy loaded from r escapes.
; CHECK-LABEL: define void @reference_passed_on(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
define void @reference_passed_on() {
  %m = alloca [48 x i8], align 8
  %ref.addr = alloca ptr, align 8
  store ptr %m, ptr %ref.addr, align 8
  %r = load ptr, ptr %ref.addr, align 8
  call void @_Z4fillRSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(ptr %r)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; auto *p = &m; watch(p); p->clear(): the slot's own address escapes, so
; whoever holds it can read the map's address out of it.
; CHECK-LABEL: define void @slot_escapes(
; CHECK:       call i64 @__mapguard_write_begin(ptr %p,
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
define void @slot_escapes() {
  %m = alloca [48 x i8], align 8
  %p.addr = alloca ptr, align 8
  store ptr %m, ptr %p.addr, align 8
  call void @_Z5watchRPSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(ptr %p.addr)
  %p = load ptr, ptr %p.addr, align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %p)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; auto *p = &m; ... p = &shared; p->clear(): the slot may hold a map another
; thread can reach, so the write through it is guarded; m itself stays
; private and its own write is elided.
; CHECK-LABEL: define void @slot_holds_a_shared_map(
; CHECK:       call i64 @__mapguard_write_begin(ptr %p,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %p)
; CHECK-NEXT:  call void @__mapguard_write_end(ptr %p,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
; CHECK-NEXT:  ret void
define void @slot_holds_a_shared_map(ptr %shared) {
  %m = alloca [48 x i8], align 8
  %p.addr = alloca ptr, align 8
  store ptr %m, ptr %p.addr, align 8
  store ptr %shared, ptr %p.addr, align 8
  %p = load ptr, ptr %p.addr, align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %p)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; The same, stores in the other order.
; CHECK-LABEL: define void @slot_holds_a_shared_map_first(
; CHECK:       call i64 @__mapguard_write_begin(ptr %p,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %p)
define void @slot_holds_a_shared_map_first(ptr %shared) {
  %m = alloca [48 x i8], align 8
  %p.addr = alloca ptr, align 8
  store ptr %shared, ptr %p.addr, align 8
  store ptr %m, ptr %p.addr, align 8
  %p = load ptr, ptr %p.addr, align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %p)
  ret void
}

; auto &r = m; keep = &r;: the copy loaded from r is stored to a global.
; CHECK-LABEL: define void @reference_published(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
define void @reference_published() {
  %m = alloca [48 x i8], align 8
  %ref.addr = alloca ptr, align 8
  store ptr %m, ptr %ref.addr, align 8
  %r = load ptr, ptr %ref.addr, align 8
  store ptr %r, ptr @keep, align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; A slot read back as an integer is not a reference variable.
; CHECK-LABEL: define void @slot_read_as_integer(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
define void @slot_read_as_integer() {
  %m = alloca [48 x i8], align 8
  %ref.addr = alloca ptr, align 8
  store ptr %m, ptr %ref.addr, align 8
  %bits = load i64, ptr %ref.addr, align 8
  store i64 %bits, ptr @keep, align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; REMARK: guarded write: std::map<int, int>::clear (the map has its address passed to fill)
; REMARK: guarded write: std::map<int, int>::clear (the map is reached through a pointer or reference)
; REMARK: guarded write: std::map<int, int>::clear (the map has its address stored to memory (a lambda capture, a pointer or a reference kept somewhere))
; REMARK: guarded write: std::map<int, int>::clear (the map comes from the caller)
; REMARK: guarded write: std::map<int, int>::clear (the map comes from the caller)
; REMARK: guarded write: std::map<int, int>::clear (the map has its address stored to memory (a lambda capture, a pointer or a reference kept somewhere))
; REMARK: guarded write: std::map<int, int>::clear (the map has its address stored to memory (a lambda capture, a pointer or a reference kept somewhere))
