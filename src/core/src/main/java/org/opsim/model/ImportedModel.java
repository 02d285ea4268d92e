package org.opsim.model;

import java.util.Objects;

/**
 * What a model file holds: a {@link Model} that takes any workload (a Hugging Face config, an ONNX
 * export with symbolic dimensions), or one graph with fixed shapes (a native graph file).
 */
public sealed interface ImportedModel permits ImportedModel.Parametric, ImportedModel.Fixed {

    /** The model's short name (its file name without the extension, or its catalogue name). */
    String name();

    /** The model, or an {@code IllegalArgumentException} saying that {@code what} needs one that takes a workload. */
    Model requireModel(String what);

    /** A model that takes a workload. */
    record Parametric(Model model) implements ImportedModel {
        public Parametric {
            Objects.requireNonNull(model, "model");
        }

        @Override
        public String name() {
            return model.name();
        }

        @Override
        public Model requireModel(String what) {
            return model;
        }
    }

    /** One graph with fixed shapes. */
    record Fixed(String name, GraphFile file) implements ImportedModel {
        public Fixed {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(file, "file");
        }

        @Override
        public Model requireModel(String what) {
            throw new IllegalArgumentException(name + " is a graph with fixed shapes (a native graph file): " + what
                    + " needs a model that takes a workload (a Hugging Face config.json, or an ONNX file with symbolic"
                    + " dimensions)");
        }
    }
}
