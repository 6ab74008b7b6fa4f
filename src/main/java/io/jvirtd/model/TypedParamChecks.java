package io.jvirtd.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * libvirt's {@code virTypedParamsValidate} (src/util/virtypedparam.c) with its errors (domain
 * NONE), for the drivers and for the daemon's own calls (virConnectSetIdentity). Stateless.
 */
public final class TypedParamChecks {

    private TypedParamChecks() {
    }

    /**
     * virTypedParamsValidate: every parameter must be one of {@code allowed} (field to type),
     * with that type, at most once.
     */
    public static void validate(List<TypedParameter> params, Map<String, TypedParameter.Type> allowed) {
        List<TypedParameter> sorted = new ArrayList<>(params);
        sorted.sort(Comparator.comparing(TypedParameter::field));
        List<String> keys = new ArrayList<>(allowed.keySet());
        keys.sort(Comparator.naturalOrder());
        String last = null;
        int i = 0;
        int j = 0;
        while (i < sorted.size() && j < keys.size()) {
            TypedParameter p = sorted.get(i);
            String key = keys.get(j);
            if (!p.field().equals(key)) {
                j++;
                continue;
            }
            if (p.field().equals(last)) {
                throw VirException.invalidArg(VirErrorDomain.NONE,
                        "parameter '" + p.field() + "' occurs multiple times");
            }
            TypedParameter.Type want = allowed.get(key);
            if (p.type() != want) {
                throw VirException.invalidArg(VirErrorDomain.NONE, "invalid type '" + typeName(p.type())
                        + "' for parameter '" + p.field() + "', expected '" + typeName(want) + "'");
            }
            last = p.field();
            i++;
        }
        if (j == keys.size() && i != sorted.size()) {
            throw VirException.of(VirErrorNumber.ARGUMENT_UNSUPPORTED, VirErrorDomain.NONE,
                    "parameter '" + sorted.get(i).field() + "' not supported");
        }
    }

    /** virTypedParameterType's names: int, uint, llong, ullong, double, boolean, string. */
    public static String typeName(TypedParameter.Type t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
