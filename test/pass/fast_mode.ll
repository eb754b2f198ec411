; -mapguard-mode=fast emits the common case inline: a thread that finds its
; own tombstone for the map in the map's fast-table slot claims it with two
; stores and releases it with one, and calls the runtime only otherwise.
; Strict is the default and calls the hooks; a bad mode is an error naming
; the option.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s | FileCheck %s --check-prefix=STRICT
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-mode=strict -S %s | FileCheck %s --check-prefix=STRICT
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-mode=fast -S %s | FileCheck %s --check-prefix=FAST
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-mode=quick -S %s 2>&1 | FileCheck %s --check-prefix=BAD

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; STRICT:      call i64 @__mapguard_write_begin(ptr %m,
; STRICT-NEXT: call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(
; STRICT-NEXT: call void @__mapguard_write_end(ptr %m,
; BAD:         for the --mapguard-mode option: Cannot find option named 'quick'!

; FAST: @__mapguard_fast_table = external {{(dso_local )?}}global [16384 x { i64, ptr }]
; FAST: @__mapguard_thread_index = external {{(dso_local )?}}thread_local(initialexec) global i16
; FAST: @__mapguard_fast_inline = external {{(dso_local )?}}global i8

; FAST-LABEL: define void @clear(
; The key: (map << 16) | thread index, the index from initial-exec TLS.
; FAST:         %[[ADDR:.*]] = ptrtoint ptr %m to i64
; FAST:         %[[TLS:.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__mapguard_thread_index)
; FAST:         %[[IDX16:.*]] = load i16, ptr %[[TLS]]
; FAST:         %[[IDX:.*]] = zext i16 %[[IDX16]] to i64
; FAST:         %[[SHL:.*]] = shl i64 %[[ADDR]], 16
; FAST:         %[[KEY:.*]] = or i64 %[[SHL]], %[[IDX]]
; The slot: Fibonacci hash of map >> 3, top 14 bits.
; FAST:         %[[H1:.*]] = lshr i64 %[[ADDR]], 3
; FAST:         %[[H2:.*]] = mul i64 %[[H1]], -7046029254386353131
; FAST:         %[[H3:.*]] = lshr i64 %[[H2]], 50
; FAST:         %[[SLOT:.*]] = getelementptr inbounds [16384 x { i64, ptr }], ptr @__mapguard_fast_table, i64 0, i64 %[[H3]]
; FAST:         %[[SEEN:.*]] = load atomic i64, ptr %[[SLOT]] monotonic, align 8
; Mine: the runtime allows inline claims (not under stress=1), the slot
; holds key | 1 << 63, and the map is below 2^47.
; FAST:         %[[ALLOWED:.*]] = load i8, ptr @__mapguard_fast_inline
; FAST:         %[[OK:.*]] = icmp ne i8 %[[ALLOWED]], 0
; FAST:         %[[HIGH:.*]] = lshr i64 %[[ADDR]], 47
; FAST:         %[[TOMB:.*]] = or i64 %[[KEY]], -9223372036854775808
; FAST:         %[[X:.*]] = xor i64 %[[SEEN]], %[[TOMB]]
; FAST:         %[[Y:.*]] = or i64 %[[X]], %[[HIGH]]
; FAST:         %[[OWN:.*]] = icmp eq i64 %[[Y]], 0
; FAST:         %[[MINE:.*]] = and i1 %[[OWN]], %[[OK]]
; FAST:         br i1 %[[MINE]], label %mapguard.claim, label %mapguard.begin.slow
; FAST:       mapguard.claim:
; FAST-NEXT:    %[[SITEP:.*]] = getelementptr inbounds { i64, ptr }, ptr %[[SLOT]], i32 0, i32 1
; FAST-NEXT:    store atomic ptr @[[SITE:__mapguard_site[.0-9]*]], ptr %[[SITEP]] monotonic, align 8, !tbaa
; FAST-NEXT:    store atomic i64 %[[KEY]], ptr %[[SLOT]] monotonic, align 8, !tbaa
; FAST-NEXT:    %[[FTOK:.*]] = ptrtoint ptr %[[SLOT]] to i64
; FAST:       mapguard.begin.slow:
; FAST-NEXT:    %[[STOK:.*]] = call i64 @__mapguard_write_begin_fast(ptr %m, ptr @[[SITE]])
; FAST:         %[[TOK:.*]] = phi i64 [ %[[FTOK]], %mapguard.claim ], [ %[[STOK]], %mapguard.begin.slow ]
; FAST-NEXT:    call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
; FAST-NEXT:    %[[OPEN:.*]] = icmp ne i64 %[[TOK]], 0
; FAST-NEXT:    br i1 %[[OPEN]], label %mapguard.end,
; FAST:       mapguard.end:
; FAST-NEXT:    %[[P:.*]] = inttoptr i64 %[[TOK]] to ptr
; FAST-NEXT:    %[[NOW:.*]] = load atomic i64, ptr %[[P]] monotonic, align 8
; FAST-NEXT:    %[[STILL:.*]] = icmp eq i64 %[[NOW]], %[[KEY]]
; FAST-NEXT:    br i1 %[[STILL]], label %mapguard.release, label %mapguard.end.slow
; FAST:       mapguard.release:
; FAST-NEXT:    %[[T2:.*]] = or i64 %[[KEY]], -9223372036854775808
; FAST-NEXT:    store atomic i64 %[[T2]], ptr %[[P]] monotonic, align 8
; FAST:       mapguard.end.slow:
; FAST-NEXT:    call void @__mapguard_write_end_fast(ptr %m, ptr @[[SITE]], i64 %[[TOK]])
; FAST:         ret void
define void @clear(ptr %m) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}
