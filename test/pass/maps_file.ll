; -mapguard-maps declares a project's own map functions: [write], [read]
; and [iterate] sections of fun: globs, matched against a C function's name
; or a C++ function's qualified name; =argN names the map's argument; map:
; names the map in reports. Several files may be given; the first matching
; entry decides. Without the file nothing is instrumented.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-inline=0 -mapguard-outline=0 \
; RUN:   -mapguard-maps=%S/Inputs/kv.maps -mapguard-maps=%S/Inputs/kv_more.maps -S %s | FileCheck %s
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/kv.maps -mapguard-maps=%S/Inputs/kv_more.maps \
; RUN:   -pass-remarks=mapguard -disable-output %s 2>&1 | FileCheck %s --check-prefix=REMARK
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-maps=%S/Inputs/kv.maps -mapguard-maps=%S/Inputs/kv_more.maps \
; RUN:   -S %s | FileCheck %s --check-prefix=NAMES
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -S %s | FileCheck %s --check-prefix=NONE

declare void @kv_put(ptr, i32, i32)
declare void @kv_drop_all(ptr)
declare i32 @kv_get(ptr, i32)
declare void @kv_clear(ptr)
declare void @kv_walk(ptr, ptr)
declare void @kv_other(ptr)
; app::Store::set(int)
declare void @_ZN3app5Store3setEi(ptr, i32)

; CHECK-LABEL: define void @writes(
; CHECK:         call i64 @__mapguard_write_begin(ptr %t,
; CHECK-NEXT:    call void @kv_put(ptr %t, i32 1, i32 2)
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %t,
; CHECK:         call i64 @__mapguard_write_begin(ptr %t,
; CHECK-NEXT:    call void @kv_drop_all(ptr %t)
; CHECK:         call i64 @__mapguard_write_begin(ptr %t,
; CHECK-NEXT:    call void @kv_clear(ptr %t)
; CHECK:         call i64 @__mapguard_write_begin(ptr %s,
; CHECK-NEXT:    call void @_ZN3app5Store3setEi(ptr %s, i32 3)
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %s, {{.*}})
; CHECK-NOT:     __mapguard
; CHECK:         call void @kv_other(ptr %t)
; CHECK-NOT:     __mapguard
; CHECK:         ret void
define void @writes(ptr %t, ptr %s) nounwind {
  call void @kv_put(ptr %t, i32 1, i32 2)
  call void @kv_drop_all(ptr %t)
  call void @kv_clear(ptr %t)
  call void @_ZN3app5Store3setEi(ptr %s, i32 3)
  call void @kv_other(ptr %t)
  ret void
}

; A read, checked, not wrapped; the iteration's map is its argument 1.
; CHECK-LABEL: define i32 @reads(
; CHECK:         call void @__mapguard_read(ptr %t,
; CHECK-NEXT:    %v = call i32 @kv_get(ptr %t, i32 1)
; CHECK:         call void @__mapguard_iterate(ptr %t,
; CHECK-NEXT:    call void @kv_walk(ptr %it, ptr %t)
; CHECK-NOT:     __mapguard
; CHECK:         ret i32 %v
define i32 @reads(ptr %t, ptr %it) nounwind {
  %v = call i32 @kv_get(ptr %t, i32 1)
  call void @kv_walk(ptr %it, ptr %t)
  ret i32 %v
}

; The descriptors name the map and the operation.
; NAMES-DAG: c"kv_table\00"
; NAMES-DAG: c"app::Store\00"
; NAMES-DAG: c"kv_put\00"
; NAMES-DAG: c"set\00"
; NAMES-DAG: c"the map passed to kv_clear()\00"

; REMARK: remark: <unknown>:0:0: guarded write: kv_table via kv_put
; REMARK: remark: <unknown>:0:0: guarded write: kv_table via kv_drop_all
; REMARK: remark: <unknown>:0:0: guarded write: the map passed to kv_clear() via kv_clear
; REMARK: remark: <unknown>:0:0: guarded write: app::Store::set

; NONE-NOT: __mapguard
