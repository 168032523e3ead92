import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'invertscope.invertscope';

interface Binding {
  readonly key: string;
  readonly command: string;
}

/** A key as VS Code writes it, with the modifiers in one order: "ctrl+alt+shift+t" and "shift+alt+ctrl+t" are one key. */
function normalize(key: string): string {
  return key
    .toLowerCase()
    .split(' ')
    .map((chord) => {
      const parts = chord.split('+');
      const last = parts.pop() ?? '';
      return [...parts.sort(), last].join('+');
    })
    .join(' ');
}

suite('the keys Invertscope binds', () => {
  test('clash with none of the VS Code defaults of this platform', async () => {
    // The default keybindings, as VS Code shows them in "Preferences: Open Default Keyboard Shortcuts (JSON)".
    await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'the default keybindings did not open in an editor');
    const text = editor.document.getText();
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const defaults = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as Binding[];
    assert.ok(defaults.length > 500, `only ${defaults.length} default keybindings were read`);
    // Which keys of the family we bind VS Code leaves free here, for the log (what a new binding could use).
    const takenKeys = new Set(
      defaults
        .filter((d) => !d.command.startsWith('invertscope.') && !d.command.startsWith('-'))
        .map((d) => normalize(d.key)),
    );
    const free = 'abcdefghijklmnopqrstuvwxyz'.split('').filter((c) => !takenKeys.has(normalize(`ctrl+alt+shift+${c}`)));
    console.log(`ctrl+alt+shift+<letter> free of ${defaults.length} default bindings: ${free.join(' ')}`);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const ours = (extension?.packageJSON.contributes.keybindings as Array<{ command: string; key: string }>).map(
      (b) => ({ command: b.command, key: normalize(b.key) }),
    );
    assert.equal(ours.length, 3);
    for (const binding of ours) {
      const taken = defaults.filter(
        (d) => normalize(d.key) === binding.key && !d.command.startsWith('invertscope.') && !d.command.startsWith('-'),
      );
      assert.deepEqual(
        taken.map((d) => d.command),
        [],
        `${binding.key} (${binding.command}) is also bound by default`,
      );
      // A chord starting with our key would be cut short by it.
      const prefixed = defaults.filter((d) => normalize(d.key).startsWith(`${binding.key} `));
      assert.deepEqual(
        prefixed.map((d) => d.command),
        [],
        `${binding.key} starts default chords`,
      );
    }
  });
});
