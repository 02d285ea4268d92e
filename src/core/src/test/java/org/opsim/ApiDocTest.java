package org.opsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md's "What is public" table lists exactly what {@code module org.opsim.core} exports: the
 * same packages, and in each the same public top-level types as the sources declare. Adding a public
 * type, exporting a package or making a type package-private without the table following fails here.
 */
class ApiDocTest {
    private static final Pattern EXPORT = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*(?:class|record|interface|enum|@interface)\\s+(\\w+)");
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(org\\.opsim[\\w.]*)` \\| (.+) \\|$");
    private static final Pattern TYPE_CELL = Pattern.compile("`(\\w+)`");

    @Test
    void theTableListsEveryExportedPackageAndItsPublicTypes() throws IOException {
        Path sources = Repo.path("src/core/src/main/java");
        String descriptor = Files.readString(sources.resolve("module-info.java"));
        Map<String, TreeSet<String>> declared = new TreeMap<>();
        Matcher m = EXPORT.matcher(descriptor);
        while (m.find()) { // unqualified exports only: "exports x to y;" does not match the pattern
            String pkg = m.group(1);
            TreeSet<String> types = new TreeSet<>();
            try (Stream<Path> files = Files.list(sources.resolve(pkg.replace('.', '/')))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher t = PUBLIC_TYPE.matcher(Files.readString(f));
                    if (t.find()) {
                        types.add(t.group(1));
                    }
                }
            }
            declared.put(pkg, types);
        }
        assertFalse(declared.isEmpty(), "no exports found in module-info.java");

        String doc = Files.readString(Repo.path("docs/api.md"));
        String section = doc.substring(doc.indexOf("## What is public"));
        Map<String, TreeSet<String>> documented = new TreeMap<>();
        Matcher r = ROW.matcher(section);
        while (r.find()) {
            TreeSet<String> types = new TreeSet<>();
            Matcher c = TYPE_CELL.matcher(r.group(2));
            while (c.find()) {
                types.add(c.group(1));
            }
            documented.put(r.group(1), types);
        }
        assertEquals(declared.keySet(), documented.keySet(), "exported packages vs docs/api.md");
        for (String pkg : declared.keySet()) {
            assertEquals(declared.get(pkg), documented.get(pkg), "public types of " + pkg + " vs docs/api.md");
        }
    }
}
