package io.pgagroal.config;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The settings of one INI section after conversion: the typed value, the text it came from and its
 * line. An absent key reads as its default, and a setting's line is the section header when the key is
 * absent, so every later check can point at a line.
 */
final class SectionValues {

    private final String file;
    private final Ini.Section section;
    private final Map<Setting, Ini.Entry> entries = new EnumMap<>(Setting.class);
    private final Map<Setting, Object> values = new EnumMap<>(Setting.class);

    private SectionValues(String file, Ini.Section section) {
        this.file = file;
        this.section = section;
    }

    static SectionValues read(String file, Ini.Section section, Setting.Section kind, Warnings warnings)
            throws ConfigException {
        SectionValues result = new SectionValues(file, section);
        for (Ini.Entry entry : section.entries().values()) {
            Setting setting = Setting.byKey(kind, entry.key()).orElse(null);
            if (setting == null) {
                warnings.add(file, entry.line(), entry.key(), unknownKey(kind, entry.key()));
                continue;
            }
            try {
                result.values.put(setting, setting.parse(entry.value()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, entry.line(), entry.key(), e.getMessage());
            }
            result.entries.put(setting, entry);
        }
        for (Setting setting : Setting.values()) {
            if (setting.section() == kind && setting.required() && result.values.get(setting) == null) {
                throw result.error(setting, "required in section [" + section.name() + "]");
            }
        }
        return result;
    }

    private static String unknownKey(Setting.Section kind, String key) {
        Setting.Section other = kind == Setting.Section.MAIN ? Setting.Section.SERVER : Setting.Section.MAIN;
        if (Setting.byKey(other, key).isPresent()) {
            return kind == Setting.Section.MAIN
                    ? "only valid in a server section, ignored"
                    : "only valid in the [pgagroal] section, ignored";
        }
        return "unknown key, ignored";
    }

    /**
     * A copy in which {@code settings} read as in {@code other} (value, text and line), as a reload
     * keeps the running value of a restart-only key.
     */
    SectionValues keeping(SectionValues other, Set<Setting> settings) {
        SectionValues copy = new SectionValues(file, section);
        copy.entries.putAll(entries);
        copy.values.putAll(values);
        for (Setting setting : settings) {
            copy.entries.remove(setting);
            copy.values.remove(setting);
            if (other.entries.containsKey(setting)) {
                copy.entries.put(setting, other.entries.get(setting));
                copy.values.put(setting, other.values.get(setting));
            }
        }
        return copy;
    }

    Object get(Setting setting) {
        return entries.containsKey(setting) ? values.get(setting) : setting.parse(setting.defaultValue());
    }

    String raw(Setting setting) {
        Ini.Entry entry = entries.get(setting);
        return entry == null ? setting.defaultValue() : entry.value();
    }

    boolean isSet(Setting setting) {
        return entries.containsKey(setting);
    }

    String name() {
        return section.name();
    }

    int sectionLine() {
        return section.line();
    }

    String file() {
        return file;
    }

    /** The line that set the setting, or the section header when it kept its default. */
    int line(Setting setting) {
        Ini.Entry entry = entries.get(setting);
        return entry == null ? section.line() : entry.line();
    }

    ConfigException error(Setting setting, String problem) {
        return new ConfigException(file, line(setting), setting.key(), problem);
    }
}
