; Lookups and the start of an iteration get one inline check before the
; call: the map's slot (fast), or its home slot and its bucket's count of
; writes away from home (strict), are loaded, and the runtime is called only
; if they show a write in progress to this map (strict: or one elsewhere in
; the bucket, which the runtime then looks for).
; Nothing is marked and nothing follows the call.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -S %s | FileCheck %s --check-prefix=STRICT
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-mode=fast -S %s | FileCheck %s --check-prefix=FAST
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -S %s | FileCheck %s --check-prefix=NAMES

; The descriptors name the reads.
; NAMES-DAG: c"find\00"
; NAMES-DAG: c"begin\00"

; std::map<int, int>::find(int const&)
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr, ptr) nounwind
; std::map<int, int>::begin()
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr) nounwind

; STRICT-LABEL: define ptr @lookup(
; STRICT:         %[[ADDR:.*]] = ptrtoint ptr %m to i64
; STRICT:         %[[WANT:.*]] = shl i64 %[[ADDR]], 16
; The map's home slot and its bucket's count of writes away from home.
; STRICT:         %[[BUCKET:mapguard.bucket]] = lshr i64 %{{.*}}, 52
; STRICT:         %[[HOME:mapguard.home]] = lshr i64 %{{.*}}, 16
; STRICT:         %[[SLOT:mapguard.slot]] = getelementptr inbounds [4096 x { [3 x { i64, ptr }], i64, i64 }], ptr @__mapguard_strict_table, i64 0, i64 %[[BUCKET]], i32 0, i64 %[[HOME]]
; STRICT:         %[[AWAYP:.*]] = getelementptr inbounds [4096 x { [3 x { i64, ptr }], i64, i64 }], ptr @__mapguard_strict_table, i64 0, i64 %[[BUCKET]], i32 1
; STRICT-NEXT:    %[[AWAY:.*]] = load atomic i64, ptr %[[AWAYP]] monotonic
; STRICT-NEXT:    %[[ANYAWAY:.*]] = icmp ne i64 %[[AWAY]], 0
; STRICT-NEXT:    %[[KEY:.*]] = load atomic i64, ptr %[[SLOT]] monotonic
; STRICT-NEXT:    %[[MASKED:.*]] = and i64 %[[KEY]], -65536
; STRICT-NEXT:    %[[HIT:.*]] = icmp eq i64 %[[MASKED]], %[[WANT]]
; STRICT-NEXT:    or i1 %[[HIT]], %[[ANYAWAY]]
; STRICT-NOT:     load atomic
; Under stress=1 (the runtime's flag is 0) every read calls the runtime, and
; so does a thread's first read (no thread index yet).
; STRICT:         load i8, ptr @__mapguard_fast_inline
; STRICT:         %[[TLS:.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__mapguard_thread_index)
; STRICT-NEXT:    load i16, ptr %[[TLS]]
; STRICT:         br i1 %{{.*}}, label %mapguard.read.busy, label %{{.*}}, !prof
; STRICT:       mapguard.read.busy:
; STRICT-NEXT:    call void @__mapguard_read(ptr %m, ptr @[[SITE:__mapguard_site[.0-9]*]])
; STRICT:         %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr %m, ptr %k)
; STRICT-NEXT:    ret ptr %r
; STRICT-NOT:     __mapguard_write

; FAST-LABEL: define ptr @lookup(
; FAST:         %[[S:.*]] = getelementptr inbounds [16384 x { i64, ptr }], ptr @__mapguard_fast_table, i64 0, i64 %{{.*}}
; FAST-NEXT:    %[[K:.*]] = load atomic i64, ptr %[[S]] monotonic
; FAST-NOT:     load atomic
; FAST:         call void @__mapguard_read_fast(ptr %m,
; FAST:         %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr %m, ptr %k)
define ptr @lookup(ptr %m, ptr %k) {
  %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr %m, ptr %k)
  ret ptr %r
}

; STRICT-LABEL: define ptr @iterate(
; STRICT:       mapguard.read.busy:
; STRICT-NEXT:    call void @__mapguard_iterate(ptr %m,
; STRICT:         %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
; FAST-LABEL: define ptr @iterate(
; FAST:         call void @__mapguard_iterate_fast(ptr %m,
define ptr @iterate(ptr %m) {
  %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  ret ptr %b
}
