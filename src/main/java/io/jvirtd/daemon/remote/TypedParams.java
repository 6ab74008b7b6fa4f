package io.jvirtd.daemon.remote;

import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.protocol.remote.RemoteTypes.TypedParam;
import io.jvirtd.protocol.remote.RemoteTypes.TypedParamValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed parameters between the wire and the model, as libvirt's virTypedParamsSerialize /
 * virTypedParamsDeserialize do them in libvirtd (docs/protocol.md §12): string parameters go to a
 * client only when its call carried VIR_TYPED_PARAM_STRING_OKAY, an array longer than the
 * procedure's REMOTE_*_MAX is refused, and the "get" calls answer the two-step nparams protocol.
 * Stateless.
 */
final class TypedParams {

    /** VIR_TYPED_PARAM_STRING_OKAY: the caller can take string parameters. */
    static final int STRING_OKAY = 4;
    /** VIR_TYPED_PARAM_FIELD_LENGTH: field names are shorter than this, NUL included. */
    private static final int FIELD_LENGTH = 80;

    private TypedParams() {
    }

    /** virTypedParamsSerialize: drops strings unless the call's flags allow them. */
    static List<TypedParam> toWire(List<TypedParameter> params, int flags, int limit) {
        if (params.size() > limit) {
            throw VirException.of(VirErrorNumber.RPC, VirErrorDomain.NONE,
                    "too many parameters '" + params.size() + "' for limit '" + limit + "'");
        }
        List<TypedParam> out = new ArrayList<>(params.size());
        for (TypedParameter p : params) {
            if (p.type() == TypedParameter.Type.STRING && (flags & STRING_OKAY) == 0) {
                continue;
            }
            out.add(new TypedParam(p.field(), value(p)));
        }
        return out;
    }

    private static TypedParamValue value(TypedParameter p) {
        switch (p.type()) {
            case INT:
                return new TypedParamValue.IntValue(p.intValue());
            case UINT:
                return new TypedParamValue.UIntValue(p.intValue());
            case LLONG:
                return new TypedParamValue.LLongValue(p.longValue());
            case ULLONG:
                return new TypedParamValue.ULLongValue(p.longValue());
            case DOUBLE:
                return new TypedParamValue.DoubleValue(p.doubleValue());
            case BOOLEAN:
                return new TypedParamValue.BooleanValue(p.booleanValue() ? 1 : 0);
            default:
                return new TypedParamValue.StringValue(p.stringValue());
        }
    }

    /**
     * virTypedParamsDeserialize then the public API's virTypedParameterValidateSet: the
     * parameters a "set" call sent, checked as libvirtd checks them before the driver.
     */
    static List<TypedParameter> fromWire(List<TypedParam> params, int limit) {
        if (limit > 0 && params.size() > limit) {
            throw VirException.of(VirErrorNumber.RPC, VirErrorDomain.NONE,
                    "too many parameters '" + params.size() + "' for limit '" + limit + "'");
        }
        List<TypedParameter> out = new ArrayList<>(params.size());
        for (TypedParam p : params) {
            if (p.field().getBytes(StandardCharsets.UTF_8).length >= FIELD_LENGTH) {
                throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.NONE,
                        "parameter " + p.field() + " too big for destination");
            }
            out.add(model(p));
        }
        return out;
    }

    private static TypedParameter model(TypedParam p) {
        TypedParamValue v = p.value();
        if (v instanceof TypedParamValue.IntValue i) {
            return TypedParameter.ofInt(p.field(), i.i());
        } else if (v instanceof TypedParamValue.UIntValue u) {
            return TypedParameter.ofUInt(p.field(), u.ui());
        } else if (v instanceof TypedParamValue.LLongValue l) {
            return TypedParameter.ofLLong(p.field(), l.l());
        } else if (v instanceof TypedParamValue.ULLongValue u) {
            return TypedParameter.ofULLong(p.field(), u.ul());
        } else if (v instanceof TypedParamValue.DoubleValue d) {
            return TypedParameter.ofDouble(p.field(), d.d());
        } else if (v instanceof TypedParamValue.BooleanValue b) {
            return TypedParameter.ofBoolean(p.field(), b.b() != 0);
        } else {
            return TypedParameter.ofString(p.field(), ((TypedParamValue.StringValue) v).s());
        }
    }

    /** libvirtd's "nparams too large" check of a get call's nparams against the wire maximum. */
    static void checkNparams(int nparams, int max) {
        if (nparams > max) {
            throw VirException.of(VirErrorNumber.INTERNAL_ERROR, VirErrorDomain.RPC, "nparams too large");
        }
    }

    /**
     * A get-parameters answer: with nparams 0 only the count (the client's first step), else the
     * first {@code nparams} parameters serialized, and the count 0 as libvirtd leaves it.
     *
     * @return the parameters to send; {@code count[0]} receives the nparams to send
     */
    static List<TypedParam> answer(List<TypedParameter> all, int nparams, int flags, int limit, int[] count) {
        if (nparams == 0) {
            count[0] = all.size();
            return List.of();
        }
        count[0] = 0;
        return toWire(all.subList(0, Math.min(nparams, all.size())), flags, limit);
    }
}
