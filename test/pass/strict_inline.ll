; Strict mode (the default) emits the owner's write inline: the thread's own
; tombstone at the map's home slot in a bucket biased to the thread is
; claimed with plain stores (runtime/bias.cpp). Every other claim calls the
; module's claim function (internal, never inlined): it claims a free slot
; with a seq_cst compare-and-swap when the runtime need not see the claim
; (the quiet cases of fast_mode.ll, or the own tombstone in a bucket never
; biased again), then the bucket's count of writes away from home must be 0
; and its bias not another thread's (else the claim is given back and the
; runtime asked); otherwise it calls the runtime's begin hook. The end
; releases with two stores when the count is still 0 and the slot still
; holds the key (a biased end also clears the marker and looks at the bias
; again); an invoke gets that end on its normal destination and the
; runtime's end hook on its unwind destination. -mapguard-inline=0 calls
; the hooks.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s | FileCheck %s
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s --check-prefix=CALLS

@m = global [48 x i8] zeroinitializer, align 8

; std::map<int, int>::clear()
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind
; std::map<int, int>::erase(int const&)
declare i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr, ptr)
declare i32 @__gxx_personality_v0(...)

; CHECK: @__mapguard_strict_table = external {{(dso_local )?}}global [4096 x { [3 x { i64, ptr }], i64, i64 }]
; CHECK: @__mapguard_marker = external {{(dso_local )?}}thread_local(initialexec) global ptr
; CHECK: @__mapguard_map_holds = external {{(dso_local )?}}global [4096 x i8]
; CALLS-NOT: @__mapguard_strict_table
; CALLS-NOT: @__mapguard_map_holds
; CALLS-NOT: @__mapguard_marker

; CHECK-LABEL: define void @clear(
; CHECK:         %[[ADDR:.*]] = ptrtoint ptr %m to i64
; CHECK:         %[[KEY:mapguard.key]] = or i64
; CHECK:         %[[TOMB:.*]] = or i64 %[[KEY]], -9223372036854775808
; The bucket: the top 12 bits of the Fibonacci hash; the home slot: the 16
; bits below them, scaled to 0..2.
; CHECK:         %[[H1:.*]] = lshr i64 %[[ADDR]], 3
; CHECK:         %[[H2:.*]] = mul i64 %[[H1]], -7046029254386353131
; CHECK:         %[[BUCKET:mapguard.bucket]] = lshr i64 %[[H2]], 52
; CHECK:         %[[H3:.*]] = lshr i64 %[[H2]], 36
; CHECK:         %[[H4:.*]] = and i64 %[[H3]], 65535
; CHECK:         %[[H5:.*]] = mul i64 %[[H4]], 3
; CHECK:         %[[HOME:mapguard.home]] = lshr i64 %[[H5]], 16
; CHECK:         %[[SLOT:mapguard.slot]] = getelementptr inbounds [4096 x { [3 x { i64, ptr }], i64, i64 }], ptr @__mapguard_strict_table, i64 0, i64 %[[BUCKET]], i32 0, i64 %[[HOME]]
; CHECK:         %[[SEEN:mapguard.seen]] = load atomic i64, ptr %[[SLOT]] monotonic
; CHECK:         %[[SITEP:.*]] = getelementptr inbounds{{( nuw)?}} { i64, ptr }, ptr %[[SLOT]], i32 0, i32 1
; CHECK-NEXT:    %[[CTOK:.*]] = ptrtoint ptr %[[SLOT]] to i64
; CHECK-NEXT:    %[[BTOK:.*]] = or i64 %[[CTOK]], 2
; CHECK-NEXT:    %[[IDX0:.*]] = and i64 %[[KEY]], 65535
; CHECK-NEXT:    %[[MINE:mapguard.mine]] = or i64 %[[IDX0]], 65536
; CHECK-NEXT:    %[[ISOWN:mapguard.own]] = icmp eq i64 %[[SEEN]], %[[TOMB]]
; CHECK-NEXT:    br i1 %[[ISOWN]], label %mapguard.own.tomb, label %mapguard.begin.slow
; The thread's own tombstone: the bucket's bias (its field 2) and the
; thread's marker decide.
; CHECK:       mapguard.own.tomb:
; CHECK-NEXT:    %[[BIASP:.*]] = getelementptr inbounds [4096 x { [3 x { i64, ptr }], i64, i64 }], ptr @__mapguard_strict_table, i64 0, i64 %[[BUCKET]], i32 2
; CHECK-NEXT:    %[[BIAS:.*]] = load atomic i64, ptr %[[BIASP]] monotonic
; CHECK-NEXT:    %[[MTLS:.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__mapguard_marker)
; CHECK-NEXT:    %[[MARKER:mapguard.marker]] = load ptr, ptr %[[MTLS]]
; CHECK-NEXT:    %[[OUTER:.*]] = load atomic i64, ptr %[[MARKER]] monotonic
; CHECK-NEXT:    %[[FREE:.*]] = icmp eq i64 %[[OUTER]], 0
; CHECK-NEXT:    %[[STATE:.*]] = and i64 %[[BIAS]], 524287
; CHECK-NEXT:    %[[ISMINE:.*]] = icmp eq i64 %[[STATE]], %[[MINE]]
; CHECK-NEXT:    %[[GO:.*]] = and i1 %[[ISMINE]], %[[FREE]]
; CHECK-NEXT:    br i1 %[[GO]], label %mapguard.announce, label %mapguard.begin.slow
; Every other claim: the module's claim function, passed the bias as the
; owner's path loaded it (0 if the slot held something else), so that it
; loads nothing twice.
; CHECK:       mapguard.begin.slow:
; CHECK-NEXT:    %[[BSEEN:mapguard.bias.seen]] = phi i64 [ %[[BIAS]], %mapguard.announce ], [ %[[BIAS]], %mapguard.own.tomb ], [ 0, %0 ]
; CHECK-NEXT:    %[[STOK:.*]] = call i64 @__mapguard_strict_claim(ptr %m, ptr @[[SITE:__mapguard_site[.0-9]*]], i64 %[[KEY]], i64 %[[SEEN]], i64 %[[BSEEN]])
; CHECK-NEXT:    br label %mapguard.begun
; Biased to this thread: the site and the key go into the marker, then (a
; compiler barrier) the bias is loaded again, then the site and the key are
; stored into the slot.
; CHECK:       mapguard.announce:
; CHECK-NEXT:    %[[MSITE:.*]] = getelementptr i8, ptr %[[MARKER]], i64 8
; CHECK-NEXT:    store atomic ptr @[[SITE]], ptr %[[MSITE]] monotonic
; CHECK-NEXT:    store atomic i64 %[[KEY]], ptr %[[MARKER]] release
; CHECK-NEXT:    fence syncscope("singlethread") seq_cst
; CHECK-NEXT:    %[[AGAIN:.*]] = load atomic i64, ptr %[[BIASP]] acquire
; CHECK-NEXT:    %[[STATE3:.*]] = and i64 %[[AGAIN]], 524287
; CHECK-NEXT:    %[[STILLMINE:.*]] = icmp eq i64 %[[STATE3]], %[[MINE]]
; CHECK-NEXT:    br i1 %[[STILLMINE]], label %mapguard.biased, label %mapguard.begin.slow
; CHECK:       mapguard.biased:
; CHECK-NEXT:    store atomic ptr @[[SITE]], ptr %[[SITEP]] monotonic
; CHECK-NEXT:    store atomic i64 %[[KEY]], ptr %[[SLOT]] release
; CHECK-NEXT:    br label %mapguard.begun
; The token: the slot, with kBiasedTokenBit (2) when biased.
; CHECK:       mapguard.begun:
; CHECK-NEXT:    %[[TOK:.*]] = phi i64 [ %[[STOK]], %mapguard.begin.slow ], [ %[[BTOK]], %mapguard.biased ]
; CHECK-NEXT:    call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
; CHECK-NEXT:    %[[OPEN:.*]] = icmp ne i64 %[[TOK]], 0
; CHECK-NEXT:    br i1 %[[OPEN]], label %mapguard.end,
; The end: the slot is the token less its two low bits (kAwayTokenBit: a
; write away from home, which the count makes the runtime's;
; kBiasedTokenBit), the count is in the token's cache line.
; CHECK:       mapguard.end:
; CHECK-NEXT:    %[[T1:.*]] = and i64 %[[TOK]], -4
; CHECK-NEXT:    %[[P:.*]] = inttoptr i64 %[[T1]] to ptr
; CHECK-NEXT:    %[[T2:.*]] = and i64 %[[TOK]], -64
; CHECK-NEXT:    %[[LINE:.*]] = inttoptr i64 %[[T2]] to ptr
; CHECK-NEXT:    %[[AWAYP2:.*]] = getelementptr inbounds{{( nuw)?}} { [3 x { i64, ptr }], i64, i64 }, ptr %[[LINE]], i32 0, i32 1
; CHECK-NEXT:    %[[AWAY2:.*]] = load atomic i64, ptr %[[AWAYP2]] seq_cst
; CHECK-NEXT:    %[[NOW:.*]] = load atomic i64, ptr %[[P]] monotonic
; CHECK-NEXT:    %[[STILL:.*]] = icmp eq i64 %[[NOW]], %[[KEY]]
; CHECK-NEXT:    %[[ALONE2:.*]] = icmp eq i64 %[[AWAY2]], 0
; CHECK-NEXT:    %[[USUAL:.*]] = and i1 %[[ALONE2]], %[[STILL]]
; CHECK-NEXT:    br i1 %[[USUAL]], label %mapguard.release, label %mapguard.end.slow
; CHECK:       mapguard.release:
; CHECK-NEXT:    %[[SITEP2:.*]] = getelementptr inbounds{{( nuw)?}} { i64, ptr }, ptr %[[P]], i32 0, i32 1
; The site stays, tagged as an ended write's (its low bit set): a lookup
; loop that finds this write's tombstone at its end can still name it.
; CHECK-NEXT:    store atomic ptr getelementptr {{(inbounds )?}}(i8, ptr @[[SITE]], i64 1), ptr %[[SITEP2]] monotonic
; CHECK-NEXT:    %[[REL:.*]] = or i64 %[[KEY]], -9223372036854775808
; CHECK-NEXT:    store atomic i64 %[[REL]], ptr %[[P]] release
; CHECK-NEXT:    %[[TB:.*]] = and i64 %[[TOK]], 2
; CHECK-NEXT:    %[[ISB:.*]] = icmp ne i64 %[[TB]], 0
; CHECK-NEXT:    br i1 %[[ISB]], label %mapguard.biased.release,
; A biased write's end then clears the marker and (after a compiler
; barrier) loads the bias again: the runtime's end if it was lost.
; CHECK:       mapguard.biased.release:
; CHECK-NEXT:    %[[MTLS2:.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__mapguard_marker)
; CHECK-NEXT:    %[[MARKER2:.*]] = load ptr, ptr %[[MTLS2]]
; CHECK-NEXT:    store atomic i64 0, ptr %[[MARKER2]] monotonic
; CHECK-NEXT:    fence syncscope("singlethread") seq_cst
; CHECK-NEXT:    %[[BL:.*]] = and i64 %[[TOK]], -64
; CHECK-NEXT:    %[[BLINE:.*]] = inttoptr i64 %[[BL]] to ptr
; CHECK-NEXT:    %[[BBIASP:.*]] = getelementptr inbounds{{( nuw)?}} { [3 x { i64, ptr }], i64, i64 }, ptr %[[BLINE]], i32 0, i32 2
; CHECK-NEXT:    %[[BBIAS:.*]] = load atomic i64, ptr %[[BBIASP]] acquire
; CHECK-NEXT:    %[[IDX:.*]] = and i64 %[[KEY]], 65535
; CHECK-NEXT:    %[[MYHELD:.*]] = or i64 %[[IDX]], 65536
; CHECK-NEXT:    %[[BSTATE:.*]] = and i64 %[[BBIAS]], 524287
; CHECK-NEXT:    %[[LOST:mapguard.lost]] = icmp ne i64 %[[BSTATE]], %[[MYHELD]]
; CHECK-NEXT:    br i1 %[[LOST]], label %mapguard.end.slow,
; CHECK:       mapguard.end.slow:
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %m, ptr @[[SITE]], i64 %[[TOK]])
; CHECK:         ret void
; CALLS-LABEL: define void @clear(
; CALLS-NEXT:    %[[T:.*]] = call i64 @__mapguard_write_begin(ptr %m,
; CALLS-NEXT:    call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
; CALLS-NEXT:    call void @__mapguard_write_end(ptr %m, ptr {{.*}}, i64 %[[T]])
; CALLS-NEXT:    ret void
define void @clear(ptr %m) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; CHECK-LABEL: define i64 @erase(
; CHECK:       mapguard.begun:
; CHECK-NEXT:    %[[ETOK:.*]] = phi i64
; CHECK-NEXT:    %n = invoke i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr @m, ptr %k)
; CHECK-NEXT:            to label %ok unwind label %lpad
; CHECK:       ok:
; CHECK-NEXT:    icmp ne i64 %[[ETOK]], 0
; CHECK:       mapguard.release:
; CHECK:         store atomic i64 {{.*}} release
; CHECK:       mapguard.end.slow:
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @m, ptr {{.*}}, i64 %[[ETOK]])
; CHECK:         ret i64 %n
; The landing pad, a cold path, calls the runtime's end hook (which does
; nothing for token 0).
; CHECK:       lpad:
; CHECK-NEXT:    %lp = landingpad { ptr, i32 }
; CHECK-NEXT:            cleanup
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @m, ptr {{.*}}, i64 %[[ETOK]])
; CHECK-NEXT:    resume { ptr, i32 } %lp
define i64 @erase(ptr %k) personality ptr @__gxx_personality_v0 {
entry:
  %n = invoke i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr @m, ptr %k)
          to label %ok unwind label %lpad
ok:
  ret i64 %n
lpad:
  %lp = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %lp
}

; The module's claim function, one per module, after the functions that
; call it.
; CHECK-LABEL: define internal i64 @__mapguard_strict_claim(ptr %map, ptr %site, i64 %key, i64 %seen, i64 %bias)
; CHECK-SAME:    [[CLAIMATTR:#[0-9]+]]
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %[[CADDR:.*]] = ptrtoint ptr %map to i64
; CHECK-NEXT:    %[[CTOMB:.*]] = or i64 %key, -9223372036854775808
; CHECK:         %[[CBUCKET:mapguard.bucket]] = lshr i64 %{{.*}}, 52
; CHECK:         %[[CSLOT:mapguard.slot]] = getelementptr inbounds [4096 x { [3 x { i64, ptr }], i64, i64 }], ptr @__mapguard_strict_table, i64 0, i64 %[[CBUCKET]], i32 0, i64 %mapguard.home
; CHECK-NEXT:    %[[CSITEP:.*]] = getelementptr inbounds{{( nuw)?}} { i64, ptr }, ptr %[[CSLOT]], i32 0, i32 1
; CHECK-NEXT:    %[[CTOK:.*]] = ptrtoint ptr %[[CSLOT]] to i64
; CHECK-NEXT:    %[[CISOWN:.*]] = icmp eq i64 %seen, %[[CTOMB]]
; CHECK-NEXT:    br i1 %[[CISOWN]], label %own.tomb, label %check
; The own tombstone, not biased to the thread: a bucket that is never
; biased again (kBiasNeverBit) claims with the compare-and-swap; otherwise
; the runtime grants, revokes, waits or nests.
; CHECK:       own.tomb:
; CHECK-NEXT:    %[[NEVER:.*]] = and i64 %bias, 262144
; CHECK-NEXT:    %[[ISNEVER:.*]] = icmp ne i64 %[[NEVER]], 0
; CHECK-NEXT:    br i1 %[[ISNEVER]], label %claim, label %slow
; Another slot: the quiet cases (fast_mode.ll).
; CHECK:       check:
; CHECK:         br i1 %mapguard.quiet, label %claim, label %slow
; CHECK:       claim:
; CHECK-NEXT:    %[[CAS:.*]] = cmpxchg ptr %[[CSLOT]], i64 %seen, i64 %key seq_cst seq_cst
; CHECK-NEXT:    %[[WON:.*]] = extractvalue { i64, i1 } %[[CAS]], 1
; CHECK-NEXT:    br i1 %[[WON]], label %mapguard.checked, label %slow
; CHECK:       slow:
; CHECK-NEXT:    %[[SLOWTOK:.*]] = call i64 @__mapguard_write_begin(ptr %map, ptr %site)
; CHECK-NEXT:    br label %done
; After the claim, the bucket's count of writes away from home and its
; bias, both seq_cst: a write away from home, or a bucket a thread holds
; or is taking back (kBiasHeldBit | kBiasRevokingBit), and the claim is
; given back with a compare-and-swap and the runtime asked.
; CHECK:       mapguard.checked:
; CHECK-NEXT:    %[[AWAYP:.*]] = getelementptr inbounds [4096 x { [3 x { i64, ptr }], i64, i64 }], ptr @__mapguard_strict_table, i64 0, i64 %[[CBUCKET]], i32 1
; CHECK-NEXT:    %[[AWAY:.*]] = load atomic i64, ptr %[[AWAYP]] seq_cst
; CHECK-NEXT:    %[[BIASP2:.*]] = getelementptr inbounds [4096 x { [3 x { i64, ptr }], i64, i64 }], ptr @__mapguard_strict_table, i64 0, i64 %[[CBUCKET]], i32 2
; CHECK-NEXT:    %[[BIAS2:mapguard.bias]] = load atomic i64, ptr %[[BIASP2]] seq_cst
; CHECK-NEXT:    %[[TAKEN:.*]] = and i64 %[[BIAS2]], 196608
; CHECK-NEXT:    %[[EITHER:.*]] = or i64 %[[AWAY]], %[[TAKEN]]
; CHECK-NEXT:    %[[BACK:.*]] = icmp ne i64 %[[EITHER]], 0
; CHECK-NEXT:    br i1 %[[BACK]], label %mapguard.give.back, label %mapguard.claimed
; CHECK:       mapguard.claimed:
; CHECK-NEXT:    store atomic ptr %site, ptr %[[CSITEP]] release
; CHECK-NEXT:    br label %done
; CHECK:       mapguard.give.back:
; CHECK-NEXT:    cmpxchg ptr %[[CSLOT]], i64 %key, i64 %seen seq_cst seq_cst
; CHECK-NEXT:    br label %slow
; CHECK:       done:
; CHECK-NEXT:    %[[CTOKEN:.*]] = phi i64 [ %[[CTOK]], %mapguard.claimed ], [ %[[SLOWTOK]], %slow ]
; CHECK-NEXT:    ret i64 %[[CTOKEN]]
; Never inlined, so that each write has one copy of the owner's path only.
; CHECK: attributes [[CLAIMATTR]] = { noinline nounwind }
; CALLS-NOT: @__mapguard_strict_claim
