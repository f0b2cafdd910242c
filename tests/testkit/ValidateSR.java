// PixelMed's DicomSRValidator over many files in one JVM (its XSLT compiles once, ~5 s):
// java -cp pixelmed.jar ValidateSR.java FILE... prints "== FILE" then the validator's report.
import com.pixelmed.validate.DicomSRValidator;

public class ValidateSR {
    public static void main(String[] files) throws Exception {
        DicomSRValidator validator = new DicomSRValidator();
        for (String file : files) {
            System.out.println("== " + file);
            System.out.print(validator.validate(file));
        }
    }
}
