package org.opsim.internal.load;

import java.nio.file.Path;
import org.opsim.internal.io.Documents;
import org.opsim.internal.io.Node;
import org.opsim.io.InputException;
import org.opsim.model.ImportedModel;
import org.opsim.model.ModelImporter;
import org.opsim.model.transformer.TransformerModel;

/** Hugging Face {@code config.json} files: a JSON object with a {@code model_type}. */
public final class HfConfigImporter implements ModelImporter {

    @Override
    public String format() {
        return "Hugging Face config.json";
    }

    @Override
    public boolean recognises(Path file, byte[] head) {
        if (!ModelImporters.looksLikeText(head) || Documents.formatOf(ModelImporters.text(head)) != Documents.Format.JSON) {
            return false;
        }
        try {
            return HfConfigLoader.isConfig(Documents.readByContent(file));
        } catch (InputException e) {
            return false;
        }
    }

    @Override
    public ImportedModel load(Path file, String name) {
        // load, not read: it picks up an hf_quant_config.json beside the file.
        return new ImportedModel.Parametric(new TransformerModel(name, file.toString(), HfConfigLoader.load(file)));
    }
}
