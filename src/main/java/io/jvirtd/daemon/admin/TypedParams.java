package io.jvirtd.daemon.admin;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.protocol.admin.AdminTypes.TypedParam;
import io.jvirtd.protocol.admin.AdminTypes.TypedParamValue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds and checks the admin program's typed parameters (libvirt's virtypedparam.c). Stateless. */
final class TypedParams {

    /** VIR_TYPED_PARAM_FIELD_LENGTH less the NUL. */
    private static final int FIELD_MAX = 79;

    private TypedParams() {
    }

    static TypedParam uint(String field, int value) {
        return new TypedParam(field, new TypedParamValue.UIntValue(value));
    }

    static TypedParam integer(String field, int value) {
        return new TypedParam(field, new TypedParamValue.IntValue(value));
    }

    static TypedParam bool(String field, boolean value) {
        return new TypedParam(field, new TypedParamValue.BooleanValue(value ? 1 : 0));
    }

    static TypedParam string(String field, String value) {
        return new TypedParam(field, new TypedParamValue.StringValue(value));
    }

    /**
     * libvirt's virTypedParamsValidate for a set of UINT parameters: in field-name order, a name
     * too long, a name given twice, a wrong type or an unknown name fails with libvirt's error.
     *
     * @return the parameters by name
     */
    static Map<String, TypedParam> validate(List<TypedParam> params, String... allowedUints) {
        Set<String> allowed = Set.of(allowedUints);
        List<TypedParam> sorted = new ArrayList<>(params);
        sorted.sort(Comparator.comparing(TypedParam::field));
        Map<String, TypedParam> byName = new HashMap<>();
        for (TypedParam p : params) { // virTypedParamsDeserialize, before any validation
            if (p.field().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > FIELD_MAX) {
                throw VirException.internalError(VirErrorDomain.NONE,
                        "parameter " + p.field() + " too big for destination");
            }
        }
        for (int i = 0; i < sorted.size(); i++) {
            TypedParam p = sorted.get(i);
            if (!allowed.contains(p.field())) {
                throw VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.NONE,
                        "parameter '" + p.field() + "' not supported");
            }
            if (i > 0 && sorted.get(i - 1).field().equals(p.field())) {
                throw VirException.invalidArg(VirErrorDomain.NONE,
                        "parameter '" + p.field() + "' occurs multiple times");
            }
            if (!(p.value() instanceof TypedParamValue.UIntValue)) {
                throw VirException.invalidArg(VirErrorDomain.NONE, "invalid type '" + typeName(p.value())
                        + "' for parameter '" + p.field() + "', expected 'uint'");
            }
            byName.put(p.field(), p);
        }
        return byName;
    }

    /** The value of a UINT parameter saturated to int, or {@code absent} when there is none. */
    static int uintOr(TypedParam p, int absent) {
        return p == null ? absent : AdminCalls.clampUnsigned(((TypedParamValue.UIntValue) p.value()).ui());
    }

    /** virTypedParameterTypeToString. */
    static String typeName(TypedParamValue v) {
        if (v instanceof TypedParamValue.IntValue) {
            return "int";
        }
        if (v instanceof TypedParamValue.UIntValue) {
            return "uint";
        }
        if (v instanceof TypedParamValue.LLongValue) {
            return "llong";
        }
        if (v instanceof TypedParamValue.ULLongValue) {
            return "ullong";
        }
        if (v instanceof TypedParamValue.DoubleValue) {
            return "double";
        }
        if (v instanceof TypedParamValue.BooleanValue) {
            return "boolean";
        }
        return "string";
    }
}
