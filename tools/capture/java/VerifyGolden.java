// Checks the golden fixtures with Apache Kafka's own generated codec: every
// frame must parse completely (no bytes left over) at the version its manifest
// entry names, and re-encoding what was parsed must give the same bytes. A
// frame that fails here is a bad capture, not a Samsa bug.
//
// Run as a single-file source program:
//   java -cp '<kafka libs>/*' VerifyGolden.java test/fixtures/golden

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

public class VerifyGolden {
  static final short API_VERSIONS = 18;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
    int failures = 0;
    for (JsonNode entry : manifest) {
      String file = entry.get("file").asText();
      try {
        String result = check(dir.resolve(file), entry);
        System.out.println("ok   " + file + result);
      } catch (Exception e) {
        failures++;
        System.err.println("FAIL " + file + ": " + e);
      }
    }
    System.out.println((manifest.size() - failures) + " passed, " + failures + " failed");
    if (failures > 0) System.exit(1);
  }

  static String check(Path path, JsonNode entry) throws Exception {
    byte[] bytes = Files.readAllBytes(path);
    ApiMessageType type = ApiMessageType.fromApiKey((short) entry.get("apiKey").asInt());
    short version = (short) entry.get("apiVersion").asInt();
    boolean supported = version <= type.highestSupportedVersion(true);
    ByteBufferAccessor reader = new ByteBufferAccessor(ByteBuffer.wrap(bytes));
    if (entry.get("direction").asText().equals("request")) {
      short headerVersion = type.requestHeaderVersion(version);
      RequestHeaderData header = new RequestHeaderData(reader, headerVersion);
      if (!supported) return " (header only: v" + version + " is past the broker's range)";
      ApiMessage body = type.newRequest();
      body.read(reader, version);
      return roundTrip(bytes, reader, header, headerVersion, body, version);
    }
    // The broker answers an ApiVersions request it cannot parse in the v0 layout.
    short bodyVersion = supported ? version : 0;
    short headerVersion = type.responseHeaderVersion(bodyVersion);
    ResponseHeaderData header = new ResponseHeaderData(reader, headerVersion);
    ApiMessage body = type.newResponse();
    body.read(reader, bodyVersion);
    String note = supported ? "" : " (body read as v0)";
    return roundTrip(bytes, reader, header, headerVersion, body, bodyVersion) + note;
  }

  static String roundTrip(
      byte[] bytes, ByteBufferAccessor reader, Message header, short headerVersion, Message body, short version) {
    int left = reader.remaining();
    if (left != 0) throw new IllegalStateException(left + " bytes left after parsing");
    ObjectSerializationCache cache = new ObjectSerializationCache();
    int size = header.size(cache, headerVersion) + body.size(cache, version);
    ByteBuffer out = ByteBuffer.allocate(size);
    ByteBufferAccessor writer = new ByteBufferAccessor(out);
    header.write(writer, cache, headerVersion);
    body.write(writer, cache, version);
    if (!Arrays.equals(out.array(), bytes)) {
      throw new IllegalStateException("re-encoding gives different bytes (" + size + " vs " + bytes.length + ")");
    }
    return "";
  }
}
