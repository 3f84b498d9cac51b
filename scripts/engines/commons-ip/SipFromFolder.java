/*
 * An E-ARK SIP (2.0.4) built by commons-ip2's own builder API (EARKSIP), from a folder laid out as
 *
 *   <source>/EAD.xml                        the package's descriptive metadata (EAD 2002)
 *   <source>/<rep>/metadata/*.xml           the representation's descriptive metadata (EAD 2002, one per document)
 *   <source>/<rep>/data/<folder>/<file>     the representation's files, in their folders
 *   <source>/documentation/*                documentation (optional)
 *
 * Lưu trữ's tests use it to check that packages written by the E-ARK reference implementation,
 * with a description per document (which the `commons-ip create` command cannot write), ingest.
 * scripts/setup compiles it with javac against the commons-ip2 jars; the `commons-ip-sip` wrapper runs it.
 *
 * Usage: SipFromFolder SOURCE OUT_DIR SIP_ID SUBMITTER_NAME SUBMITTER_ID [zip|folder]
 * Prints the path of the package it built.
 */

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.roda_project.commons_ip2.cli.model.enums.WriteStrategyEnum;
import org.roda_project.commons_ip2.cli.utils.SIPBuilderUtils;
import org.roda_project.commons_ip2.model.IPContentInformationType;
import org.roda_project.commons_ip2.model.IPContentType;
import org.roda_project.commons_ip2.model.IPDescriptiveMetadata;
import org.roda_project.commons_ip2.model.IPFile;
import org.roda_project.commons_ip2.model.IPRepresentation;
import org.roda_project.commons_ip2.model.MetadataType;
import org.roda_project.commons_ip2.model.SIP;
import org.roda_project.commons_ip2.model.impl.eark.EARKSIP;

public final class SipFromFolder {
  private SipFromFolder() {
  }

  private static List<Path> sorted(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().collect(Collectors.toList());
    }
  }

  private static IPDescriptiveMetadata ead(Path file) {
    return new IPDescriptiveMetadata(new IPFile(file), new MetadataType(MetadataType.MetadataTypeEnum.EAD), "2002");
  }

  private static void addRepresentation(SIP sip, Path repDir) throws Exception {
    IPRepresentation rep = new IPRepresentation(repDir.getFileName().toString());
    sip.addRepresentation(rep);
    Path metadata = repDir.resolve("metadata");
    if (Files.isDirectory(metadata)) {
      for (Path md : sorted(metadata)) {
        rep.addDescriptiveMetadata(ead(md));
      }
    }
    Path data = repDir.resolve("data");
    try (Stream<Path> walk = Files.walk(data)) {
      for (Path f : walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
        Path rel = data.relativize(f.getParent());
        List<String> folders = rel.toString().isEmpty() ? List.of()
          : Stream.of(rel.toString().split("/")).collect(Collectors.toList());
        rep.addFile(f, folders);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: SipFromFolder SOURCE OUT_DIR SIP_ID SUBMITTER_NAME SUBMITTER_ID [zip|folder]");
      System.exit(2);
    }
    Path source = Paths.get(args[0]);
    Path out = Paths.get(args[1]);
    SIP sip = new EARKSIP(args[2], IPContentType.getMIXED(), IPContentInformationType.getMIXED(), "2.0.4");
    sip.addCreatorSoftwareAgent("RODA commons-ip", "2.10.0");
    sip.addSubmitterAgent(args[3], args[4]);
    sip.setDescription("SIP built with the commons-ip2 EARKSIP API");
    sip.addDescriptiveMetadata(ead(source.resolve("EAD.xml")));
    for (Path p : sorted(source)) {
      if (Files.isDirectory(p) && Files.isDirectory(p.resolve("data"))) {
        addRepresentation(sip, p);
      }
    }
    Path doc = source.resolve("documentation");
    if (Files.isDirectory(doc)) {
      for (Path d : sorted(doc)) {
        sip.addDocumentation(new IPFile(d));
      }
    }
    WriteStrategyEnum how = args.length > 5 && "folder".equals(args[5]) ? WriteStrategyEnum.FOLDER : WriteStrategyEnum.ZIP;
    Files.createDirectories(out);
    System.out.println(sip.build(SIPBuilderUtils.getWriteStrategy(how, out)));
  }
}
