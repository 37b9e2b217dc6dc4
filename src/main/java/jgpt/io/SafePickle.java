package jgpt.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import jgpt.UserException;

/**
 * A pickle reader for PyTorch state dicts that never runs code: a stack machine implementing only the opcodes
 * {@code torch.save} emits for dicts of tensors (protocols 2-4), and an allow-list of globals. A global outside the
 * list ({@code os.system}, {@code builtins.eval}, ...) or any other opcode is refused with a {@link UserException}
 * naming it, before anything is called. Calls are interpreted here, never resolved reflectively:
 * {@code collections.OrderedDict()} builds a map, {@code torch._utils._rebuild_tensor_v2} a {@link Rebuilt} tensor
 * reference, storages come from the caller's persistent-id loader.
 * <pre>{@code
 * Object root = SafePickle.load(bytes, "pytorch_model.bin", pid -> storage(pid));
 * }</pre>
 */
final class SafePickle {
    /** A global, as named in the pickle: module and qualified name. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** A tuple (distinct from a list so that shapes and persistent ids read naturally). */
    record Tuple(Object[] items) {
        Object get(int i) {
            return items[i];
        }

        int size() {
            return items.length;
        }
    }

    /** What {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)} describes. */
    record Rebuilt(Object storage, long offset, long[] shape, long[] stride) {
    }

    static final Set<String> STORAGE_TYPES = Set.of("FloatStorage", "HalfStorage", "BFloat16Storage", "DoubleStorage",
            "LongStorage", "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage");
    private static final Set<String> CALLABLES = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state");

    private static final Object MARK = new Object();

    private final byte[] b;
    private final String source;
    private final Function<Tuple, Object> persistentLoad;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private SafePickle(byte[] bytes, String source, Function<Tuple, Object> persistentLoad) {
        this.b = bytes;
        this.source = source;
        this.persistentLoad = persistentLoad;
    }

    /** Runs the pickle and returns its result; {@code persistentLoad} turns a persistent id tuple into a storage. */
    static Object load(byte[] bytes, String source, Function<Tuple, Object> persistentLoad) {
        return new SafePickle(bytes, source, persistentLoad).run();
    }

    private Object run() {
        while (true) {
            if (pos >= b.length) throw bad("ends without a STOP opcode");
            int op = b[pos++] & 0xFF;
            switch (op) {
                case 0x80 -> u8();                                   // PROTO
                case 0x95 -> bytes(8);                               // FRAME (length only; frames are read inline)
                case '.' -> {                                        // STOP
                    return pop();
                }
                case '}' -> push(new LinkedHashMap<>());             // EMPTY_DICT
                case ']' -> push(new ArrayList<>());                 // EMPTY_LIST
                case ')' -> push(new Tuple(new Object[0]));          // EMPTY_TUPLE
                case '(' -> push(MARK);                              // MARK
                case 'N' -> push(null);                              // NONE
                case 0x88 -> push(Boolean.TRUE);                     // NEWTRUE
                case 0x89 -> push(Boolean.FALSE);                    // NEWFALSE
                case 'K' -> push((long) u8());                       // BININT1
                case 'M' -> push((long) (u8() | u8() << 8));         // BININT2
                case 'J' -> push((long) le(bytes(4)).getInt());      // BININT
                case 0x8A -> push(long1());                          // LONG1
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).getDouble()); // BINFLOAT (big-endian)
                case 'X' -> push(utf8(le(bytes(4)).getInt()));       // BINUNICODE
                case 0x8C -> push(utf8(u8()));                       // SHORT_BINUNICODE
                case 0x8D -> push(utf8(Math.toIntExact(le(bytes(8)).getLong()))); // BINUNICODE8
                case 'T' -> push(utf8(le(bytes(4)).getInt()));       // BINSTRING
                case 'U' -> push(utf8(u8()));                        // SHORT_BINSTRING
                case 'q' -> memo.put(u8(), peek());                  // BINPUT
                case 'r' -> memo.put(le(bytes(4)).getInt(), peek()); // LONG_BINPUT
                case 0x94 -> memo.put(memo.size(), peek());          // MEMOIZE
                case 'h' -> push(memoGet(u8()));                     // BINGET
                case 'j' -> push(memoGet(le(bytes(4)).getInt()));    // LONG_BINGET
                case 't' -> push(new Tuple(popMark().toArray()));    // TUPLE
                case 0x85 -> push(new Tuple(new Object[] {pop()}));  // TUPLE1
                case 0x86 -> {                                       // TUPLE2
                    Object y = pop(), x = pop();
                    push(new Tuple(new Object[] {x, y}));
                }
                case 0x87 -> {                                       // TUPLE3
                    Object z = pop(), y = pop(), x = pop();
                    push(new Tuple(new Object[] {x, y, z}));
                }
                case 'a' -> {                                        // APPEND
                    Object v = pop();
                    list(peek()).add(v);
                }
                case 'e' -> {                                        // APPENDS
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case 's' -> {                                        // SETITEM
                    Object v = pop(), k = pop();
                    dict(peek()).put(k, v);
                }
                case 'u' -> {                                        // SETITEMS
                    List<Object> kv = popMark();
                    if (kv.size() % 2 != 0) throw bad("SETITEMS with an odd number of items");
                    Map<Object, Object> d = dict(peek());
                    for (int i = 0; i < kv.size(); i += 2) d.put(kv.get(i), kv.get(i + 1));
                }
                case 'c' -> push(global(line(), line()));            // GLOBAL
                case 0x93 -> {                                       // STACK_GLOBAL
                    Object name = pop(), module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) throw bad("STACK_GLOBAL without strings");
                    push(global(m, n));
                }
                case 'Q' -> {                                        // BINPERSID
                    Object pid = pop();
                    if (!(pid instanceof Tuple t)) throw bad("a persistent id that is not a tuple");
                    push(persistentLoad.apply(t));
                }
                case 'R' -> {                                        // REDUCE
                    Object args = pop(), fn = pop();
                    if (!(args instanceof Tuple t)) throw bad("REDUCE arguments that are not a tuple");
                    push(call(fn, t));
                }
                case 'b' -> {                                        // BUILD: state of an OrderedDict (_metadata) or parameter
                    pop();
                    Object target = peek();
                    if (!(target instanceof Map) && !(target instanceof Rebuilt)) throw bad("BUILD on " + describe(target));
                }
                default -> throw bad(String.format("uses pickle opcode 0x%02X ('%s') at byte %d, which a state dict never needs",
                        op, op >= 32 && op < 127 ? Character.toString(op) : "?", pos - 1));
            }
        }
    }

    private Object global(String module, String name) {
        String full = module + "." + name;
        boolean storage = module.equals("torch") && STORAGE_TYPES.contains(name);
        if (!storage && !CALLABLES.contains(full)) {
            throw new UserException(source + " refers to the Python global " + full + ", which is not allowed in a"
                    + " checkpoint (allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2,"
                    + " torch._utils._rebuild_parameter, torch.*Storage); it was not executed");
        }
        return new Global(module, name);
    }

    private Object call(Object fn, Tuple args) {
        if (!(fn instanceof Global g)) throw bad("calls " + describe(fn) + ", which is not a function");
        switch (g.toString()) {
            case "collections.OrderedDict" -> {
                if (args.size() != 0) throw bad("calls OrderedDict with arguments");
                return new LinkedHashMap<>();
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                if (args.size() < 4) throw bad("calls _rebuild_tensor_v2 with " + args.size() + " arguments");
                return new Rebuilt(args.get(0), asLong(args.get(1)), longs(args.get(2)), longs(args.get(3)));
            }
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                if (args.size() < 1 || !(args.get(0) instanceof Rebuilt r)) throw bad("calls _rebuild_parameter without a tensor");
                return r;
            }
            default -> throw new UserException(source + " calls " + g + ", which is not allowed in a checkpoint; it was not executed");
        }
    }

    private long[] longs(Object o) {
        if (!(o instanceof Tuple t)) throw bad("a tensor size or stride that is not a tuple");
        long[] r = new long[t.size()];
        for (int i = 0; i < r.length; i++) r[i] = asLong(t.get(i));
        return r;
    }

    private long asLong(Object o) {
        if (o instanceof Long l) return l;
        throw bad("expected an integer, found " + describe(o));
    }

    private static String describe(Object o) {
        return o == null ? "None" : o instanceof Global g ? g.toString() : o.getClass().getSimpleName();
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw bad("APPEND to " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw bad("SETITEM on " + describe(o));
    }

    private Object memoGet(int i) {
        if (!memo.containsKey(i)) throw bad("reads memo slot " + i + " that was never written");
        return memo.get(i);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty() || stack.getLast() == MARK) throw bad("pops an empty stack");
        return stack.removeLast();
    }

    private Object peek() {
        if (stack.isEmpty() || stack.getLast() == MARK) throw bad("reads an empty stack");
        return stack.getLast();
    }

    private List<Object> popMark() {
        int m = stack.lastIndexOf(MARK);
        if (m < 0) throw bad("has no MARK to pop to");
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private int u8() {
        return bytes(1)[0] & 0xFF;
    }

    private long long1() {
        int n = u8();
        if (n > 8) throw bad("an integer of " + n + " bytes");
        byte[] v = bytes(n);
        long r = 0;
        for (int i = n - 1; i >= 0; i--) r = r << 8 | (v[i] & 0xFF);
        if (n > 0 && n < 8 && v[n - 1] < 0) r -= 1L << (8 * n); // two's complement of n bytes
        return r;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String line() {
        int start = pos;
        while (pos < b.length && b[pos] != '\n') pos++;
        if (pos >= b.length) throw bad("is truncated inside a GLOBAL");
        return new String(b, start, pos++ - start, StandardCharsets.UTF_8);
    }

    private byte[] bytes(int n) {
        if (n < 0 || n > b.length - pos) throw bad("is truncated at byte " + pos);
        byte[] r = Arrays.copyOfRange(b, pos, pos + n);
        pos += n;
        return r;
    }

    private static ByteBuffer le(byte[] a) {
        return ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    }

    private UserException bad(String what) {
        return new UserException("the pickle in " + source + " " + what + "; is it a PyTorch state dict saved with torch.save?");
    }
}
