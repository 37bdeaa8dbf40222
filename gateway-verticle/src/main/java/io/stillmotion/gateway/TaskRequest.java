package io.stillmotion.gateway;

import io.stillmotion.model.FieldRef;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Story;
import io.stillmotion.model.TaskForm;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code POST /task} request read and checked before anything is probed or stored: multipart, one
 * image (a single-image task) or 2-20 (a story) in repeated {@code file} parts, in order, an
 * optional soundtrack in {@code audio}, each file within {@code UPLOAD_MAX_BYTES} and a story's
 * files together within {@code STORY_MAX_BYTES}; the option fields parsed by {@link TaskForm}.
 * The uploaded files are still the body handler's (it deletes them when the request ends).
 *
 * @param fromDocument the story came as a JSON document (so errors can name JSON paths)
 */
record TaskRequest(List<Path> images, Path audio, TaskForm.Parsed form, String callbackUrl, long bytes,
    boolean fromDocument) {

  static final String IMAGE_FIELD = "file";
  static final String AUDIO_FIELD = "audio";

  boolean isStory() {
    return form.story() != null;
  }


  static TaskRequest read(RoutingContext ctx, StillmotionConfig config) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new ApiException(415, "multipart_required",
          "Send the image as multipart/form-data with the picture in a field named \"file\".");
    }
    List<FileUpload> uploads = ctx.fileUploads();
    List<FileUpload> images = uploads.stream().filter(u -> IMAGE_FIELD.equals(u.name())).toList();
    List<FileUpload> audio = uploads.stream().filter(u -> AUDIO_FIELD.equals(u.name())).toList();
    checkImages(images, config);
    for (FileUpload upload : uploads) {
      if (!IMAGE_FIELD.equals(upload.name()) && !AUDIO_FIELD.equals(upload.name())) {
        throw ApiException.badRequest("unexpected_file", "Files go in the fields \"file\" (images) and \"audio\""
            + " (a soundtrack), not in \"" + printable(upload.name()) + "\".");
      }
    }
    FileUpload soundtrack = checkAudio(audio, images.size(), config);
    long bytes = uploads.stream().mapToLong(FileUpload::size).sum();
    if (uploads.size() > 1 && bytes > config.storyMaxBytes()) {
      throw new ApiException(413, "story_too_large", "The images and soundtrack together are " + bytes
          + " bytes, more than the limit of " + config.storyMaxBytes() + " bytes for one story.");
    }
    Map<String, List<String>> fields = fields(ctx);
    TaskForm.Parsed form = TaskForm.parse(fields, images.size());
    String callbackUrl = TaskRoutes.callbackUrl(ctx, config.webhooks());
    return new TaskRequest(images.stream().map(u -> Path.of(u.uploadedFileName())).toList(),
        soundtrack == null ? null : Path.of(soundtrack.uploadedFileName()), form, callbackUrl, bytes,
        fields.containsKey(Story.FIELD));
  }

  private static void checkImages(List<FileUpload> images, StillmotionConfig config) {
    if (images.isEmpty()) {
      throw ApiException.badRequest("missing_file", "No image received: put it in a form field named \"file\".");
    }
    if (images.size() > Story.MAX_IMAGES) {
      throw ApiException.badRequest("too_many_files", "A story takes at most " + Story.MAX_IMAGES
          + " images; this request has " + images.size() + ".").with("field", IMAGE_FIELD);
    }
    for (int i = 0; i < images.size(); i++) {
      FileUpload image = images.get(i);
      if (image.size() == 0) {
        throw ApiException.badRequest("empty_file", "The uploaded file is empty.").ofImage(i, images.size());
      }
      if (image.size() > config.uploadMaxBytes()) {
        throw ApiException.tooLarge("The image is larger than the limit of " + config.uploadMaxBytes() + " bytes.")
            .ofImage(i, images.size());
      }
    }
  }

  private static FileUpload checkAudio(List<FileUpload> audio, int images, StillmotionConfig config) {
    if (audio.isEmpty()) {
      return null;
    }
    if (audio.size() > 1) {
      throw ApiException.badRequest("too_many_files", "Send at most one soundtrack, in the field \"audio\".")
          .with("field", AUDIO_FIELD);
    }
    if (images < Story.MIN_IMAGES) {
      throw FieldRef.of(AUDIO_FIELD).invalid("needs a story: send " + Story.MIN_IMAGES + " to " + Story.MAX_IMAGES
          + " images, each in a field named \"file\"");
    }
    FileUpload file = audio.get(0);
    if (file.size() == 0) {
      throw ApiException.badRequest("empty_file", "The audio file is empty.").with("field", AUDIO_FIELD);
    }
    if (file.size() > config.uploadMaxBytes()) {
      throw ApiException.tooLarge("The soundtrack is larger than the limit of " + config.uploadMaxBytes()
          + " bytes.").with("field", AUDIO_FIELD);
    }
    return file;
  }

  /** Every value of every option field, in the order sent. */
  private static Map<String, List<String>> fields(RoutingContext ctx) {
    Map<String, List<String>> fields = new HashMap<>();
    for (String name : TaskForm.ALL_FIELDS) {
      List<String> values = ctx.request().formAttributes().getAll(name);
      if (!values.isEmpty()) {
        fields.put(name, values);
      }
    }
    return fields;
  }

  private static String printable(String name) {
    String clean = name == null ? "" : name.replaceAll("[^\\p{Alnum}_.-]", "?");
    return clean.length() > 40 ? clean.substring(0, 40) : clean;
  }
}
