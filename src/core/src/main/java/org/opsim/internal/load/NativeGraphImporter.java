package org.opsim.internal.load;

import java.nio.file.Path;
import org.opsim.internal.io.Documents;
import org.opsim.internal.io.Node;
import org.opsim.io.InputException;
import org.opsim.model.ImportedModel;
import org.opsim.model.ModelImporter;

/** opsim's own graph files (JSON or YAML with {@code blocks}; docs/model-format.md): fixed shapes. */
public final class NativeGraphImporter implements ModelImporter {

    @Override
    public String format() {
        return "native graph file (docs/model-format.md)";
    }

    @Override
    public boolean recognises(Path file, byte[] head) {
        if (!ModelImporters.looksLikeText(head)) {
            return false;
        }
        try {
            Node root = Documents.readByContent(file);
            return root.json().isObject() && root.has("blocks") && !root.has("model_type");
        } catch (InputException e) {
            return false;
        }
    }

    @Override
    public ImportedModel load(Path file, String name) {
        return new ImportedModel.Fixed(name, NativeGraphLoader.read(Documents.readByContent(file)));
    }
}
