; -mapguard-mode=fast emits the common case inline: a thread that finds its
; own tombstone for the map in the map's fast-table slot (or a free slot the
; runtime need not see) claims it with two stores and releases it with one,
; and calls the runtime only otherwise. Strict is the default (its inline
; path: strict_inline.ll; with -mapguard-inline=0 both call the hooks); a
; bad mode is an error naming the option.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s --check-prefix=STRICT
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -mapguard-mode=strict -S %s | FileCheck %s --check-prefix=STRICT
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-mode=fast -S %s | FileCheck %s --check-prefix=FAST
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -mapguard-mode=fast -S %s | FileCheck %s --check-prefix=CALLS
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-mode=quick -S %s 2>&1 | FileCheck %s --check-prefix=BAD

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; STRICT:      call i64 @__mapguard_write_begin(ptr %m,
; STRICT-NEXT: call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(
; STRICT-NEXT: call void @__mapguard_write_end(ptr %m,
; BAD:         for the --mapguard-mode option: Cannot find option named 'quick'!

; CALLS-NOT:   __mapguard_fast_table
; CALLS:       call i64 @__mapguard_write_begin_fast(ptr %m,
; CALLS-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(
; CALLS-NEXT:  call void @__mapguard_write_end_fast(ptr %m,

; FAST: @__mapguard_fast_table = external {{(dso_local )?}}global [16384 x { i64, ptr }]
; FAST: @__mapguard_map_holds = external {{(dso_local )?}}global [4096 x i8]
; FAST: @__mapguard_thread_index = external {{(dso_local )?}}thread_local(initialexec) global i16
; FAST: @__mapguard_fast_inline = external {{(dso_local )?}}global i8

; FAST-LABEL: define void @clear(
; The key: (map << 16) | thread index, the index from initial-exec TLS; an
; untrackable map (not in (0, 2^47)) gets address 0 in its key, which no slot
; holds.
; FAST:         %[[ADDR:.*]] = ptrtoint ptr %m to i64
; FAST:         %[[TLS:.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__mapguard_thread_index)
; FAST:         %[[IDX16:.*]] = load i16, ptr %[[TLS]]
; FAST:         %[[LOW:.*]] = sub i64 %[[ADDR]], 1
; FAST:         %[[TRACK:.*]] = icmp ult i64 %[[LOW]], 140737488355327
; FAST:         %[[SHL:.*]] = shl i64 %[[ADDR]], 16
; FAST:         %[[BASE:.*]] = select i1 %[[TRACK]], i64 %[[SHL]], i64 0
; FAST:         %[[IDX:.*]] = zext i16 %[[IDX16]] to i64
; FAST:         %[[KEY:.*]] = or i64 %[[BASE]], %[[IDX]]
; FAST:         %[[TOMB:.*]] = or i64 %[[KEY]], -9223372036854775808
; The slot: Fibonacci hash of map >> 3, top 14 bits; the map's hold counter:
; its top 12 bits.
; FAST:         %[[H1:.*]] = lshr i64 %[[ADDR]], 3
; FAST:         %[[H2:.*]] = mul i64 %[[H1]], -7046029254386353131
; FAST:         %[[H3:.*]] = lshr i64 %[[H2]], 50
; FAST:         %[[SLOT:.*]] = getelementptr inbounds [16384 x { i64, ptr }], ptr @__mapguard_fast_table, i64 0, i64 %[[H3]]
; FAST:         %[[HOLDIDX:.*]] = lshr i64 %[[H2]], 52
; FAST:         %[[FTOK:.*]] = ptrtoint ptr %[[SLOT]] to i64
; FAST:         %[[SEEN:.*]] = load atomic i64, ptr %[[SLOT]] monotonic, align 8
; Own: the slot holds key | 1 << 63. Nothing else is tested: no slot holds
; a key with address 0, or with thread index 0 (unregistered, or stress=1).
; FAST-NEXT:    %[[OWN:.*]] = icmp eq i64 %[[SEEN]], %[[TOMB]]
; FAST-NEXT:    br i1 %[[OWN]], label %mapguard.claim, label %mapguard.check
; Else quiet: free (seen <= 0) and not this map's tombstone, or the map's
; holds are spent (>= 8); a registered thread; and allowed: the runtime
; allows inline claims (not under stress=1), and the map is trackable.
; FAST:       mapguard.check:
; FAST-NEXT:    %[[FLAG:.*]] = load i8, ptr @__mapguard_fast_inline
; FAST-NEXT:    %[[OK:.*]] = icmp ne i8 %[[FLAG]], 0
; FAST-NEXT:    %[[ALLOWED:.*]] = and i1 %[[TRACK]], %[[OK]]
; FAST-NEXT:    %[[FREE:.*]] = icmp sle i64 %[[SEEN]], 0
; FAST-NEXT:    %[[DIFF:.*]] = xor i64 %[[SEEN]], %[[TOMB]]
; FAST-NEXT:    %[[ADDRDIFF:.*]] = lshr i64 %[[DIFF]], 16
; FAST-NEXT:    %[[THISMAP:.*]] = icmp eq i64 %[[ADDRDIFF]], 0
; FAST-NEXT:    %[[HOLDP:.*]] = getelementptr inbounds [4096 x i8], ptr @__mapguard_map_holds, i64 0, i64 %[[HOLDIDX]]
; FAST-NEXT:    %[[HOLDS:.*]] = load i8, ptr %[[HOLDP]]
; FAST-NEXT:    %[[SPENT:.*]] = icmp uge i8 %[[HOLDS]], 8
; FAST-NEXT:    %[[REG:.*]] = icmp ne i16 %[[IDX16]], 0
; FAST-NEXT:    %[[REGOK:.*]] = and i1 %[[REG]], %[[ALLOWED]]
; FAST-NEXT:    %[[OTHER:.*]] = xor i1 %[[THISMAP]], true
; FAST-NEXT:    %[[NOHOLD:.*]] = or i1 %[[OTHER]], %[[SPENT]]
; FAST-NEXT:    %[[FREEOK:.*]] = and i1 %[[FREE]], %[[NOHOLD]]
; FAST-NEXT:    %[[QUIET:.*]] = and i1 %[[FREEOK]], %[[REGOK]]
; FAST-NEXT:    br i1 %[[QUIET]], label %mapguard.claim, label %mapguard.begin.slow
; FAST:       mapguard.claim:
; FAST-NEXT:    %[[SITEP:.*]] = getelementptr inbounds{{( nuw)?}} { i64, ptr }, ptr %[[SLOT]], i32 0, i32 1
; FAST-NEXT:    store atomic ptr @[[SITE:__mapguard_site[.0-9]*]], ptr %[[SITEP]] monotonic, align 8, !tbaa
; FAST-NEXT:    store atomic i64 %[[KEY]], ptr %[[SLOT]] monotonic, align 8, !tbaa
; FAST:       mapguard.begin.slow:
; FAST-NEXT:    %[[STOK:.*]] = call i64 @__mapguard_write_begin_fast(ptr %m, ptr @[[SITE]])
; FAST:       mapguard.begun:
; FAST-NEXT:    %[[TOK:.*]] = phi i64 [ %[[FTOK]], %mapguard.claim ], [ %[[STOK]], %mapguard.begin.slow ]
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
