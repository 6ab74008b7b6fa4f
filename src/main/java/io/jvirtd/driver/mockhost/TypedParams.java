package io.jvirtd.driver.mockhost;

import io.jvirtd.model.TypedParamChecks;
import io.jvirtd.model.TypedParameter;
import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * libvirt's typed-parameter helpers the test driver uses (src/util/virtypedparam.c):
 * {@code virTypedParamsValidate} (model's {@link TypedParamChecks}) and lookups by name. Stateless.
 */
final class TypedParams {

    private TypedParams() {
    }

    /** virTypedParamsValidate (see {@link TypedParamChecks#validate}). */
    static void validate(List<TypedParameter> params, Map<String, TypedParameter.Type> allowed) {
        TypedParamChecks.validate(params, allowed);
    }

    /** virTypedParameterType's names: int, uint, llong, ullong, double, boolean, string. */
    static String typeName(TypedParameter.Type t) {
        return TypedParamChecks.typeName(t);
    }

    /** The first parameter named {@code field}, or null. */
    static TypedParameter find(List<TypedParameter> params, String field) {
        for (TypedParameter p : params) {
            if (p.field().equals(field)) {
                return p;
            }
        }
        return null;
    }
}
