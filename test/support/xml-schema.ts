// Validates XML against an XML Schema with libxml2 (compiled to WebAssembly: no native tool to install).
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';

export async function validateAgainstXsd(xml: string, xsdFile: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: 'schema.xsd', contents: readFileSync(xsdFile, 'utf8') }],
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}
